// Generated from asyncapi.yaml by scripts/contracts.ts (npm run contracts). Do not edit: change asyncapi.yaml.
/* eslint-disable */
export type paths = Record<string, never>;
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /** @description a host name: a letter or digit, then letters, digits, _ . or - (at most 63) */
        Hostname: string;
        /** @description a Docker container name: a letter or digit, then letters, digits, _ . or - (at most 128) */
        ContainerName: string;
        /** @description a number from 0 to 100 */
        Threshold: number;
        /** @description true or false */
        Flag: boolean;
        /** @description a string */
        Text: string;
        /** @description a string of at most 2000 characters */
        EventText: string;
        /**
         * Format: date-time
         * @description an ISO 8601 time, e.g. 2026-11-24T10:00:00.000Z
         */
        Time: string;
        /** @description a whole number, 0 or more */
        Count: number;
        /** @description a percentage from 0 to 100 */
        Percent: number;
        /** @description a duration in milliseconds, 0 or more */
        Milliseconds: number;
        /** @description a number, 0 or more */
        Amount: number;
        /** @description who asked for the change: the name of the API token it came with (1 to 64 letters, digits or _.@-) */
        Caller: string;
        ThresholdCommand: {
            /** @constant */
            kind: "threshold";
            threshold: components["schemas"]["Threshold"];
            by?: components["schemas"]["Caller"];
        };
        ListRequest: {
            /** @constant */
            kind: "list_request";
            filter?: components["schemas"]["ContainerFilter"];
            /** @description true or false (true: every listed container's policy, monitored or not) */
            policies?: components["schemas"]["Flag"];
            /** @description true or false (true: each distinct policy once, in the reply's `policies`, and a container's as its `policyIndex` there) */
            sharedPolicies?: components["schemas"]["Flag"];
        };
        /** @description Only the containers that match every given field; without a filter, all of them. Applied by the agent, so a filtered query only moves what it returns. Agents that predate filters ignore it; control applies it again to what comes back. */
        ContainerFilter: {
            /** @description Any of these states (Docker's, or `absent`). */
            status?: ("created" | "running" | "paused" | "restarting" | "removing" | "exited" | "dead" | "absent")[];
            monitored?: components["schemas"]["Flag"];
            /** @description A name pattern: `*` matches any run of characters, `?` one character; the rest literally. */
            name?: string;
        };
        ActivesCommand: {
            /** @constant */
            kind: "actives";
            hostname: components["schemas"]["Hostname"];
            name: components["schemas"]["ContainerName"];
            monitored: components["schemas"]["Flag"];
            by?: components["schemas"]["Caller"];
        };
        /** @description A container's policy as the API sets it; a field left out falls through to the container's `watchdog.*` label, then (stop grace) its own StopTimeout, then the host's default. */
        Policy: {
            threshold?: components["schemas"]["Threshold"];
            /** @description whole seconds from 0 to 300 */
            stopTimeoutSec?: number;
            /** @description a whole number from 1 to 1000 */
            restartLimit?: number;
            action?: components["schemas"]["PolicyAction"];
            onExhausted?: components["schemas"]["OnExhausted"];
            probe?: components["schemas"]["ServiceProbe"];
        };
        /** @description A service probe set through the API, as the `watchdog.probe*` labels say it (Kubernetes' liveness meanings and defaults); it replaces the labels' probe, and `icmp` removes it. */
        ServiceProbe: {
            /** @description icmp, http://:<port>/<path>, tcp://:<port> or exec:<command> (at most 500 characters) */
            probe: string;
            /** @description a number of seconds from 1 to 3600 */
            periodSec?: number;
            /** @description a number of seconds from 0.1 to 60 */
            timeoutSec?: number;
            /** @description a whole number from 1 to 100 */
            failures?: number;
            /** @description a whole number from 1 to 100 */
            successes?: number;
            /** @description an HTTP status from 100 to 599 (http only) */
            expectStatus?: number;
            /** @description a text of at most 500 characters the body must hold (http only) */
            expectBody?: string;
        };
        /**
         * @description backoff, stop or notify (when the restart budget is spent: wait and heal again; stop it and leave it stopped; leave it as it is and heal it no more)
         * @enum {string}
         */
        OnExhausted: "backoff" | "stop" | "notify";
        /**
         * @description restart, notify or none (restart: heal; notify: tell, do not touch; none: neither)
         * @enum {string}
         */
        PolicyAction: "restart" | "notify" | "none";
        /**
         * @description api, label, container (its own StopTimeout) or host (the agent's default)
         * @enum {string}
         */
        PolicySource: "api" | "label" | "container" | "host";
        /** @description What applies to a monitored container, each value with where it came from. */
        EffectivePolicy: {
            threshold: {
                value: components["schemas"]["Threshold"];
                source: components["schemas"]["PolicySource"];
            };
            stopTimeoutSec: {
                value: components["schemas"]["Count"];
                source: components["schemas"]["PolicySource"];
            };
            restartLimit: {
                value: components["schemas"]["Count"];
                source: components["schemas"]["PolicySource"];
            };
            action: {
                value: components["schemas"]["PolicyAction"];
                source: components["schemas"]["PolicySource"];
            };
            onExhausted?: {
                value: components["schemas"]["OnExhausted"];
                source: components["schemas"]["PolicySource"];
            };
            /** @description its service probe, when it has one (absent: ICMP only) */
            probe?: {
                value: components["schemas"]["ServiceProbe"];
                source: components["schemas"]["PolicySource"];
            };
        };
        PolicyCommand: {
            /** @constant */
            kind: "policy";
            hostname: components["schemas"]["Hostname"];
            name: components["schemas"]["ContainerName"];
            policy: components["schemas"]["Policy"];
            by?: components["schemas"]["Caller"];
        };
        ModeCommand: {
            /** @constant */
            kind: "mode";
            hostname?: components["schemas"]["Hostname"];
            dryRun: components["schemas"]["Flag"];
            by?: components["schemas"]["Caller"];
        };
        Silence: {
            /** @description s- and 12 hex digits */
            id: string;
            /** @description a list of at most 50 host names (absent: every host) */
            hosts?: components["schemas"]["Hostname"][];
            /** @description a name pattern: letters, digits, _ . - and the wildcards * and ? (at most 128) */
            containers: string;
            until: components["schemas"]["Time"];
            /** @description a string of at most 500 characters */
            reason: string;
            heal: components["schemas"]["Flag"];
            notify: components["schemas"]["Flag"];
            by: components["schemas"]["Caller"];
            createdAt: components["schemas"]["Time"];
        };
        SilencesCommand: {
            /** @constant */
            kind: "silences";
            /** @description a list of at most 100 silences */
            silences: components["schemas"]["Silence"][];
            by?: components["schemas"]["Caller"];
        };
        /** @description One of the commands, told apart by `kind`. */
        Command: components["schemas"]["ThresholdCommand"] | components["schemas"]["ListRequest"] | components["schemas"]["ActivesCommand"] | components["schemas"]["PolicyCommand"] | components["schemas"]["ModeCommand"] | components["schemas"]["SilencesCommand"];
        ContainerStatus: {
            hostname: components["schemas"]["Hostname"];
            name: components["schemas"]["ContainerName"];
            /** @description Docker's state (running, exited, ...), or `absent` for a monitored name with no container */
            status: string;
            monitored: components["schemas"]["Flag"];
            backoffUntil?: components["schemas"]["Time"];
            checkedAt?: components["schemas"]["Time"];
            lossPercent?: components["schemas"]["Percent"];
            rttMs?: components["schemas"]["Milliseconds"];
            rttMinMs?: components["schemas"]["Milliseconds"];
            rttMaxMs?: components["schemas"]["Milliseconds"];
            cpuPercent?: components["schemas"]["Amount"];
            memoryBytes?: components["schemas"]["Count"];
            networkRxBytes?: components["schemas"]["Count"];
            networkTxBytes?: components["schemas"]["Count"];
            restarts?: components["schemas"]["Count"];
            lastHeal?: components["schemas"]["Heal"];
            lossVerdict?: components["schemas"]["LossVerdict"];
            /** @description its service probe's last result (a `watchdog.probe` label), when it has one */
            serviceProbe?: {
                probe: components["schemas"]["EventText"];
                ok: components["schemas"]["Flag"];
                detail: components["schemas"]["EventText"];
                at: components["schemas"]["Time"];
            };
            policy?: components["schemas"]["EffectivePolicy"];
            /** @description its effective policy as an index into the list_response's `policies` (sent instead of `policy` when the list_request asked for `sharedPolicies`) */
            policyIndex?: number;
            apiPolicy?: components["schemas"]["Policy"];
            /** @description Its `watchdog.*` labels with wrong values (ignored), one line each. */
            labelProblems?: components["schemas"]["Text"][];
        };
        LossVerdict: {
            /**
             * @description sequential or silence
             * @enum {string}
             */
            rule: "sequential" | "silence";
            lossLowPercent: components["schemas"]["Percent"];
            lossHighPercent: components["schemas"]["Percent"];
            probes: components["schemas"]["Count"];
            decidedInMs: components["schemas"]["Milliseconds"];
        };
        Heal: {
            at: components["schemas"]["Time"];
            /**
             * @description start or restart
             * @enum {string}
             */
            action: "start" | "restart";
            reason: components["schemas"]["Text"];
            /**
             * @description ok, already-running, failed, notified or dry-run (notified, dry-run: not done, only told)
             * @enum {string}
             */
            outcome: "ok" | "already-running" | "failed" | "notified" | "dry-run";
        };
        ListResponse: {
            /** @constant */
            kind: "list_response";
            hostname: components["schemas"]["Hostname"];
            containers: components["schemas"]["ContainerStatus"][];
            /** @description The distinct effective policies of the listed containers, each once (only when the list_request asked for `sharedPolicies`); a container's `policyIndex` points into it. */
            policies?: components["schemas"]["EffectivePolicy"][];
        };
        Ack: {
            /** @constant */
            kind: "ack";
            hostname: components["schemas"]["Hostname"];
            /**
             * @description threshold, actives, policy, mode or silences
             * @enum {string}
             */
            command: "threshold" | "actives" | "policy" | "mode" | "silences";
            ok: components["schemas"]["Flag"];
            /**
             * @description not_found, invalid or failed: why a command was refused (not_found: no such container on this host)
             * @enum {string}
             */
            error?: "not_found" | "invalid" | "failed";
            message?: components["schemas"]["Text"];
            container?: components["schemas"]["ContainerStatus"];
            threshold?: components["schemas"]["Threshold"];
            dryRun?: components["schemas"]["Flag"];
        };
        /** @description A list_response or an ack, told apart by `kind`. */
        Reply: components["schemas"]["ListResponse"] | components["schemas"]["Ack"];
        Heartbeat: {
            /** @constant */
            kind: "heartbeat";
            hostname: components["schemas"]["Hostname"];
            sentAt: components["schemas"]["Time"];
            threshold: components["schemas"]["Threshold"];
            monitored: components["schemas"]["Count"];
            dryRun?: components["schemas"]["Flag"];
            leaving?: components["schemas"]["Flag"];
            resources?: components["schemas"]["HostResources"];
            /** @description the digest of the silences the agent holds in force (silencesDigest): control sends its list again when it differs */
            silences?: string;
        };
        /** @description The host's own health as its kernel keeps it (/proc and statfs), sampled with every heartbeat; a value the agent could not read is left out. */
        HostResources: {
            /** @description CPU busy since the previous heartbeat, all cores together */
            cpuPercent?: number;
            /** @description MemTotal less MemAvailable */
            memoryUsedBytes?: number;
            memoryTotalBytes?: number;
            load1?: number;
            load5?: number;
            load15?: number;
            /** @description The disk reported: Docker's data root where the agent sees it, else / */
            diskPath?: string;
            diskTotalBytes?: number;
            /** @description What an unprivileged write can still use (statfs bavail) */
            diskAvailableBytes?: number;
            /** @description Received by every interface but loopback, since boot */
            networkRxBytes?: number;
            networkTxBytes?: number;
        };
        /** @description One event, believed only from the broker user that speaks for it (`agent-<host>` for its own host; `antagonist` only for `fault`; `control` only for `silence`, and nobody else for it). At most 262144 bytes encoded; control refuses larger ones. */
        Event: {
            /** @constant */
            kind: "event";
            /**
             * @description heal, backoff, verdict, death, command, fault, label, host-network (the host's own path to its containers broke, to: broken, or is whole again, to: ok; no container) or host-budget (the host's budget of loss restarts is spent, to: paused, or has room again, to: resumed; no container), gave-up (the restart budget is spent and the policy says stop, to: stopped, or notify, to: left as it is) recovered (fine for 3 checks in a row after being down, lossy or unhealthy; from: what it was, durationMs: how long), silence (control records a silence: to: created or removed, with the silence; host: control; only from the broker user control) or silenced (a heal held by a silence, with silenceId; once per silence and container)
             * @enum {string}
             */
            type: "heal" | "backoff" | "verdict" | "death" | "command" | "fault" | "label" | "host-network" | "host-budget" | "gave-up" | "recovered" | "silence" | "silenced";
            at: components["schemas"]["Time"];
            host: components["schemas"]["Hostname"];
            container?: components["schemas"]["ContainerName"];
            /**
             * @description start or restart (heal, backoff)
             * @enum {string}
             */
            action?: "start" | "restart";
            trigger?: components["schemas"]["EventText"];
            reason?: components["schemas"]["EventText"];
            /**
             * @description ok, already-running, failed, notified or dry-run (heal; the last two: not done, only told; command: failed when the agent refused it, with the reason)
             * @enum {string}
             */
            outcome?: "ok" | "already-running" | "failed" | "notified" | "dry-run";
            durationMs?: components["schemas"]["Milliseconds"];
            until?: components["schemas"]["Time"];
            from?: components["schemas"]["EventText"];
            to?: components["schemas"]["EventText"];
            /** @description an integer (death: the exit code) */
            exitCode?: number;
            /**
             * @description threshold, actives, policy, mode or silences (command)
             * @enum {string}
             */
            command?: "threshold" | "actives" | "policy" | "mode" | "silences";
            detail?: components["schemas"]["EventText"];
            /** @description who asked for it (command): the API token's name */
            by?: components["schemas"]["Caller"];
            /** @description the command's id, its message id (command; an API answer that could not confirm it names the same id) */
            commandId?: string;
            silence?: components["schemas"]["Silence"];
            /** @description a silence id (silenced) */
            silenceId?: string;
            /** @description label (the wrong `watchdog.*` labels of a container, one line each; at most 20) */
            problems?: components["schemas"]["EventText"][];
            /**
             * @description stop or loss (fault)
             * @enum {string}
             */
            fault?: "stop" | "loss";
            lossPercent?: components["schemas"]["Percent"];
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export type operations = Record<string, never>;
export type Hostname = components['schemas']['Hostname'];
export type ContainerName = components['schemas']['ContainerName'];
export type Threshold = components['schemas']['Threshold'];
export type Flag = components['schemas']['Flag'];
export type Text = components['schemas']['Text'];
export type EventText = components['schemas']['EventText'];
export type Time = components['schemas']['Time'];
export type Count = components['schemas']['Count'];
export type Percent = components['schemas']['Percent'];
export type Milliseconds = components['schemas']['Milliseconds'];
export type Amount = components['schemas']['Amount'];
export type Caller = components['schemas']['Caller'];
export type ThresholdCommand = components['schemas']['ThresholdCommand'];
export type ListRequest = components['schemas']['ListRequest'];
export type ContainerFilter = components['schemas']['ContainerFilter'];
export type ActivesCommand = components['schemas']['ActivesCommand'];
export type Policy = components['schemas']['Policy'];
export type ServiceProbe = components['schemas']['ServiceProbe'];
export type OnExhausted = components['schemas']['OnExhausted'];
export type PolicyAction = components['schemas']['PolicyAction'];
export type PolicySource = components['schemas']['PolicySource'];
export type EffectivePolicy = components['schemas']['EffectivePolicy'];
export type PolicyCommand = components['schemas']['PolicyCommand'];
export type ModeCommand = components['schemas']['ModeCommand'];
export type Silence = components['schemas']['Silence'];
export type SilencesCommand = components['schemas']['SilencesCommand'];
export type Command = components['schemas']['Command'];
export type ContainerStatus = components['schemas']['ContainerStatus'];
export type LossVerdict = components['schemas']['LossVerdict'];
export type Heal = components['schemas']['Heal'];
export type ListResponse = components['schemas']['ListResponse'];
export type Ack = components['schemas']['Ack'];
export type Reply = components['schemas']['Reply'];
export type Heartbeat = components['schemas']['Heartbeat'];
export type HostResources = components['schemas']['HostResources'];
export type Event = components['schemas']['Event'];

/** The message schemas (components.schemas), for the validators in bus/messages.ts. */
export const busSchemas: Record<string, object> = {
  "Hostname": {
    "type": "string",
    "pattern": "^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$",
    "description": "a host name: a letter or digit, then letters, digits, _ . or - (at most 63)"
  },
  "ContainerName": {
    "type": "string",
    "pattern": "^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$",
    "description": "a Docker container name: a letter or digit, then letters, digits, _ . or - (at most 128)"
  },
  "Threshold": {
    "type": "number",
    "minimum": 0,
    "maximum": 100,
    "description": "a number from 0 to 100"
  },
  "Flag": {
    "type": "boolean",
    "description": "true or false"
  },
  "Text": {
    "type": "string",
    "description": "a string"
  },
  "EventText": {
    "type": "string",
    "maxLength": 2000,
    "description": "a string of at most 2000 characters"
  },
  "Time": {
    "type": "string",
    "format": "date-time",
    "description": "an ISO 8601 time, e.g. 2026-11-24T10:00:00.000Z"
  },
  "Count": {
    "type": "integer",
    "minimum": 0,
    "description": "a whole number, 0 or more"
  },
  "Percent": {
    "type": "number",
    "minimum": 0,
    "maximum": 100,
    "description": "a percentage from 0 to 100"
  },
  "Milliseconds": {
    "type": "number",
    "minimum": 0,
    "description": "a duration in milliseconds, 0 or more"
  },
  "Amount": {
    "type": "number",
    "minimum": 0,
    "description": "a number, 0 or more"
  },
  "Caller": {
    "type": "string",
    "pattern": "^[a-zA-Z0-9_.@-]{1,64}$",
    "description": "who asked for the change: the name of the API token it came with (1 to 64 letters, digits or _.@-)"
  },
  "ThresholdCommand": {
    "type": "object",
    "required": [
      "kind",
      "threshold"
    ],
    "properties": {
      "kind": {
        "type": "string",
        "const": "threshold"
      },
      "threshold": {
        "$ref": "#/components/schemas/Threshold"
      },
      "by": {
        "$ref": "#/components/schemas/Caller"
      }
    }
  },
  "ListRequest": {
    "type": "object",
    "required": [
      "kind"
    ],
    "properties": {
      "kind": {
        "type": "string",
        "const": "list_request"
      },
      "filter": {
        "$ref": "#/components/schemas/ContainerFilter"
      },
      "policies": {
        "$ref": "#/components/schemas/Flag",
        "description": "true or false (true: every listed container's policy, monitored or not)"
      },
      "sharedPolicies": {
        "$ref": "#/components/schemas/Flag",
        "description": "true or false (true: each distinct policy once, in the reply's `policies`, and a container's as its `policyIndex` there)"
      }
    }
  },
  "ContainerFilter": {
    "description": "Only the containers that match every given field; without a filter, all of them. Applied by the agent, so a filtered query only moves what it returns. Agents that predate filters ignore it; control applies it again to what comes back.",
    "type": "object",
    "additionalProperties": false,
    "properties": {
      "status": {
        "description": "Any of these states (Docker's, or `absent`).",
        "type": "array",
        "minItems": 1,
        "items": {
          "type": "string",
          "enum": [
            "created",
            "running",
            "paused",
            "restarting",
            "removing",
            "exited",
            "dead",
            "absent"
          ]
        }
      },
      "monitored": {
        "$ref": "#/components/schemas/Flag"
      },
      "name": {
        "description": "A name pattern: `*` matches any run of characters, `?` one character; the rest literally.",
        "type": "string",
        "pattern": "^[a-zA-Z0-9_.*?-]{1,128}$"
      }
    }
  },
  "ActivesCommand": {
    "type": "object",
    "required": [
      "kind",
      "hostname",
      "name",
      "monitored"
    ],
    "properties": {
      "kind": {
        "type": "string",
        "const": "actives"
      },
      "hostname": {
        "$ref": "#/components/schemas/Hostname"
      },
      "name": {
        "$ref": "#/components/schemas/ContainerName"
      },
      "monitored": {
        "$ref": "#/components/schemas/Flag"
      },
      "by": {
        "$ref": "#/components/schemas/Caller"
      }
    }
  },
  "Policy": {
    "description": "A container's policy as the API sets it; a field left out falls through to the container's `watchdog.*` label, then (stop grace) its own StopTimeout, then the host's default.",
    "type": "object",
    "additionalProperties": false,
    "properties": {
      "threshold": {
        "$ref": "#/components/schemas/Threshold"
      },
      "stopTimeoutSec": {
        "type": "integer",
        "minimum": 0,
        "maximum": 300,
        "description": "whole seconds from 0 to 300"
      },
      "restartLimit": {
        "type": "integer",
        "minimum": 1,
        "maximum": 1000,
        "description": "a whole number from 1 to 1000"
      },
      "action": {
        "$ref": "#/components/schemas/PolicyAction"
      },
      "onExhausted": {
        "$ref": "#/components/schemas/OnExhausted"
      },
      "probe": {
        "$ref": "#/components/schemas/ServiceProbe"
      }
    }
  },
  "ServiceProbe": {
    "description": "A service probe set through the API, as the `watchdog.probe*` labels say it (Kubernetes' liveness meanings and defaults); it replaces the labels' probe, and `icmp` removes it.",
    "type": "object",
    "additionalProperties": false,
    "required": [
      "probe"
    ],
    "properties": {
      "probe": {
        "type": "string",
        "maxLength": 500,
        "pattern": "^(icmp|http://:[0-9]{1,5}(/[^\\s]*)?|tcp://:[0-9]{1,5}|exec:[\\s\\S]+)$",
        "description": "icmp, http://:<port>/<path>, tcp://:<port> or exec:<command> (at most 500 characters)"
      },
      "periodSec": {
        "type": "number",
        "minimum": 1,
        "maximum": 3600,
        "description": "a number of seconds from 1 to 3600"
      },
      "timeoutSec": {
        "type": "number",
        "minimum": 0.1,
        "maximum": 60,
        "description": "a number of seconds from 0.1 to 60"
      },
      "failures": {
        "type": "integer",
        "minimum": 1,
        "maximum": 100,
        "description": "a whole number from 1 to 100"
      },
      "successes": {
        "type": "integer",
        "minimum": 1,
        "maximum": 100,
        "description": "a whole number from 1 to 100"
      },
      "expectStatus": {
        "type": "integer",
        "minimum": 100,
        "maximum": 599,
        "description": "an HTTP status from 100 to 599 (http only)"
      },
      "expectBody": {
        "type": "string",
        "maxLength": 500,
        "description": "a text of at most 500 characters the body must hold (http only)"
      }
    }
  },
  "OnExhausted": {
    "type": "string",
    "enum": [
      "backoff",
      "stop",
      "notify"
    ],
    "description": "backoff, stop or notify (when the restart budget is spent: wait and heal again; stop it and leave it stopped; leave it as it is and heal it no more)"
  },
  "PolicyAction": {
    "type": "string",
    "enum": [
      "restart",
      "notify",
      "none"
    ],
    "description": "restart, notify or none (restart: heal; notify: tell, do not touch; none: neither)"
  },
  "PolicySource": {
    "type": "string",
    "enum": [
      "api",
      "label",
      "container",
      "host"
    ],
    "description": "api, label, container (its own StopTimeout) or host (the agent's default)"
  },
  "EffectivePolicy": {
    "description": "What applies to a monitored container, each value with where it came from.",
    "type": "object",
    "required": [
      "threshold",
      "stopTimeoutSec",
      "restartLimit",
      "action"
    ],
    "properties": {
      "threshold": {
        "type": "object",
        "required": [
          "value",
          "source"
        ],
        "properties": {
          "value": {
            "$ref": "#/components/schemas/Threshold"
          },
          "source": {
            "$ref": "#/components/schemas/PolicySource"
          }
        }
      },
      "stopTimeoutSec": {
        "type": "object",
        "required": [
          "value",
          "source"
        ],
        "properties": {
          "value": {
            "$ref": "#/components/schemas/Count"
          },
          "source": {
            "$ref": "#/components/schemas/PolicySource"
          }
        }
      },
      "restartLimit": {
        "type": "object",
        "required": [
          "value",
          "source"
        ],
        "properties": {
          "value": {
            "$ref": "#/components/schemas/Count"
          },
          "source": {
            "$ref": "#/components/schemas/PolicySource"
          }
        }
      },
      "action": {
        "type": "object",
        "required": [
          "value",
          "source"
        ],
        "properties": {
          "value": {
            "$ref": "#/components/schemas/PolicyAction"
          },
          "source": {
            "$ref": "#/components/schemas/PolicySource"
          }
        }
      },
      "onExhausted": {
        "type": "object",
        "required": [
          "value",
          "source"
        ],
        "properties": {
          "value": {
            "$ref": "#/components/schemas/OnExhausted"
          },
          "source": {
            "$ref": "#/components/schemas/PolicySource"
          }
        }
      },
      "probe": {
        "type": "object",
        "description": "its service probe, when it has one (absent: ICMP only)",
        "required": [
          "value",
          "source"
        ],
        "properties": {
          "value": {
            "$ref": "#/components/schemas/ServiceProbe"
          },
          "source": {
            "$ref": "#/components/schemas/PolicySource"
          }
        }
      }
    }
  },
  "PolicyCommand": {
    "type": "object",
    "required": [
      "kind",
      "hostname",
      "name",
      "policy"
    ],
    "properties": {
      "kind": {
        "type": "string",
        "const": "policy"
      },
      "hostname": {
        "$ref": "#/components/schemas/Hostname"
      },
      "name": {
        "$ref": "#/components/schemas/ContainerName"
      },
      "policy": {
        "$ref": "#/components/schemas/Policy"
      },
      "by": {
        "$ref": "#/components/schemas/Caller"
      }
    }
  },
  "ModeCommand": {
    "type": "object",
    "required": [
      "kind",
      "dryRun"
    ],
    "properties": {
      "kind": {
        "type": "string",
        "const": "mode"
      },
      "hostname": {
        "$ref": "#/components/schemas/Hostname"
      },
      "dryRun": {
        "$ref": "#/components/schemas/Flag"
      },
      "by": {
        "$ref": "#/components/schemas/Caller"
      }
    }
  },
  "Silence": {
    "type": "object",
    "required": [
      "id",
      "containers",
      "until",
      "reason",
      "heal",
      "notify",
      "by",
      "createdAt"
    ],
    "properties": {
      "id": {
        "type": "string",
        "pattern": "^s-[0-9a-f]{12}$",
        "description": "s- and 12 hex digits"
      },
      "hosts": {
        "type": "array",
        "maxItems": 50,
        "items": {
          "$ref": "#/components/schemas/Hostname"
        },
        "description": "a list of at most 50 host names (absent: every host)"
      },
      "containers": {
        "type": "string",
        "pattern": "^[a-zA-Z0-9_.*?-]{1,128}$",
        "description": "a name pattern: letters, digits, _ . - and the wildcards * and ? (at most 128)"
      },
      "until": {
        "$ref": "#/components/schemas/Time"
      },
      "reason": {
        "type": "string",
        "maxLength": 500,
        "description": "a string of at most 500 characters"
      },
      "heal": {
        "$ref": "#/components/schemas/Flag"
      },
      "notify": {
        "$ref": "#/components/schemas/Flag"
      },
      "by": {
        "$ref": "#/components/schemas/Caller"
      },
      "createdAt": {
        "$ref": "#/components/schemas/Time"
      }
    }
  },
  "SilencesCommand": {
    "type": "object",
    "required": [
      "kind",
      "silences"
    ],
    "properties": {
      "kind": {
        "type": "string",
        "const": "silences"
      },
      "silences": {
        "type": "array",
        "maxItems": 100,
        "items": {
          "$ref": "#/components/schemas/Silence"
        },
        "description": "a list of at most 100 silences"
      },
      "by": {
        "$ref": "#/components/schemas/Caller"
      }
    }
  },
  "Command": {
    "description": "One of the commands, told apart by `kind`.",
    "type": "object",
    "required": [
      "kind"
    ],
    "oneOf": [
      {
        "$ref": "#/components/schemas/ThresholdCommand"
      },
      {
        "$ref": "#/components/schemas/ListRequest"
      },
      {
        "$ref": "#/components/schemas/ActivesCommand"
      },
      {
        "$ref": "#/components/schemas/PolicyCommand"
      },
      {
        "$ref": "#/components/schemas/ModeCommand"
      },
      {
        "$ref": "#/components/schemas/SilencesCommand"
      }
    ]
  },
  "ContainerStatus": {
    "type": "object",
    "required": [
      "hostname",
      "name",
      "status",
      "monitored"
    ],
    "properties": {
      "hostname": {
        "$ref": "#/components/schemas/Hostname"
      },
      "name": {
        "$ref": "#/components/schemas/ContainerName"
      },
      "status": {
        "type": "string",
        "description": "Docker's state (running, exited, ...), or `absent` for a monitored name with no container"
      },
      "monitored": {
        "$ref": "#/components/schemas/Flag"
      },
      "backoffUntil": {
        "$ref": "#/components/schemas/Time"
      },
      "checkedAt": {
        "$ref": "#/components/schemas/Time"
      },
      "lossPercent": {
        "$ref": "#/components/schemas/Percent"
      },
      "rttMs": {
        "$ref": "#/components/schemas/Milliseconds"
      },
      "rttMinMs": {
        "$ref": "#/components/schemas/Milliseconds"
      },
      "rttMaxMs": {
        "$ref": "#/components/schemas/Milliseconds"
      },
      "cpuPercent": {
        "$ref": "#/components/schemas/Amount"
      },
      "memoryBytes": {
        "$ref": "#/components/schemas/Count"
      },
      "networkRxBytes": {
        "$ref": "#/components/schemas/Count"
      },
      "networkTxBytes": {
        "$ref": "#/components/schemas/Count"
      },
      "restarts": {
        "$ref": "#/components/schemas/Count"
      },
      "lastHeal": {
        "$ref": "#/components/schemas/Heal"
      },
      "lossVerdict": {
        "$ref": "#/components/schemas/LossVerdict"
      },
      "serviceProbe": {
        "type": "object",
        "description": "its service probe's last result (a `watchdog.probe` label), when it has one",
        "required": [
          "probe",
          "ok",
          "detail",
          "at"
        ],
        "properties": {
          "probe": {
            "$ref": "#/components/schemas/EventText"
          },
          "ok": {
            "$ref": "#/components/schemas/Flag"
          },
          "detail": {
            "$ref": "#/components/schemas/EventText"
          },
          "at": {
            "$ref": "#/components/schemas/Time"
          }
        }
      },
      "policy": {
        "$ref": "#/components/schemas/EffectivePolicy"
      },
      "policyIndex": {
        "type": "integer",
        "minimum": 0,
        "description": "its effective policy as an index into the list_response's `policies` (sent instead of `policy` when the list_request asked for `sharedPolicies`)"
      },
      "apiPolicy": {
        "$ref": "#/components/schemas/Policy"
      },
      "labelProblems": {
        "description": "Its `watchdog.*` labels with wrong values (ignored), one line each.",
        "type": "array",
        "items": {
          "$ref": "#/components/schemas/Text"
        }
      }
    }
  },
  "LossVerdict": {
    "type": "object",
    "required": [
      "rule",
      "lossLowPercent",
      "lossHighPercent",
      "probes",
      "decidedInMs"
    ],
    "properties": {
      "rule": {
        "type": "string",
        "enum": [
          "sequential",
          "silence"
        ],
        "description": "sequential or silence"
      },
      "lossLowPercent": {
        "$ref": "#/components/schemas/Percent"
      },
      "lossHighPercent": {
        "$ref": "#/components/schemas/Percent"
      },
      "probes": {
        "$ref": "#/components/schemas/Count"
      },
      "decidedInMs": {
        "$ref": "#/components/schemas/Milliseconds"
      }
    }
  },
  "Heal": {
    "type": "object",
    "required": [
      "at",
      "action",
      "reason",
      "outcome"
    ],
    "properties": {
      "at": {
        "$ref": "#/components/schemas/Time"
      },
      "action": {
        "type": "string",
        "enum": [
          "start",
          "restart"
        ],
        "description": "start or restart"
      },
      "reason": {
        "$ref": "#/components/schemas/Text"
      },
      "outcome": {
        "type": "string",
        "enum": [
          "ok",
          "already-running",
          "failed",
          "notified",
          "dry-run"
        ],
        "description": "ok, already-running, failed, notified or dry-run (notified, dry-run: not done, only told)"
      }
    }
  },
  "ListResponse": {
    "type": "object",
    "required": [
      "kind",
      "hostname",
      "containers"
    ],
    "properties": {
      "kind": {
        "type": "string",
        "const": "list_response"
      },
      "hostname": {
        "$ref": "#/components/schemas/Hostname"
      },
      "containers": {
        "type": "array",
        "items": {
          "$ref": "#/components/schemas/ContainerStatus"
        }
      },
      "policies": {
        "description": "The distinct effective policies of the listed containers, each once (only when the list_request asked for `sharedPolicies`); a container's `policyIndex` points into it.",
        "type": "array",
        "items": {
          "$ref": "#/components/schemas/EffectivePolicy"
        }
      }
    }
  },
  "Ack": {
    "type": "object",
    "required": [
      "kind",
      "hostname",
      "command",
      "ok"
    ],
    "properties": {
      "kind": {
        "type": "string",
        "const": "ack"
      },
      "hostname": {
        "$ref": "#/components/schemas/Hostname"
      },
      "command": {
        "type": "string",
        "enum": [
          "threshold",
          "actives",
          "policy",
          "mode",
          "silences"
        ],
        "description": "threshold, actives, policy, mode or silences"
      },
      "ok": {
        "$ref": "#/components/schemas/Flag"
      },
      "error": {
        "type": "string",
        "enum": [
          "not_found",
          "invalid",
          "failed"
        ],
        "description": "not_found, invalid or failed: why a command was refused (not_found: no such container on this host)"
      },
      "message": {
        "$ref": "#/components/schemas/Text"
      },
      "container": {
        "$ref": "#/components/schemas/ContainerStatus"
      },
      "threshold": {
        "$ref": "#/components/schemas/Threshold"
      },
      "dryRun": {
        "$ref": "#/components/schemas/Flag"
      }
    }
  },
  "Reply": {
    "description": "A list_response or an ack, told apart by `kind`.",
    "type": "object",
    "required": [
      "kind"
    ],
    "oneOf": [
      {
        "$ref": "#/components/schemas/ListResponse"
      },
      {
        "$ref": "#/components/schemas/Ack"
      }
    ]
  },
  "Heartbeat": {
    "type": "object",
    "required": [
      "kind",
      "hostname",
      "sentAt",
      "threshold",
      "monitored"
    ],
    "properties": {
      "kind": {
        "type": "string",
        "const": "heartbeat"
      },
      "hostname": {
        "$ref": "#/components/schemas/Hostname"
      },
      "sentAt": {
        "$ref": "#/components/schemas/Time"
      },
      "threshold": {
        "$ref": "#/components/schemas/Threshold"
      },
      "monitored": {
        "$ref": "#/components/schemas/Count"
      },
      "dryRun": {
        "$ref": "#/components/schemas/Flag"
      },
      "leaving": {
        "$ref": "#/components/schemas/Flag"
      },
      "resources": {
        "$ref": "#/components/schemas/HostResources"
      },
      "silences": {
        "type": "string",
        "maxLength": 64,
        "description": "the digest of the silences the agent holds in force (silencesDigest): control sends its list again when it differs"
      }
    }
  },
  "HostResources": {
    "type": "object",
    "description": "The host's own health as its kernel keeps it (/proc and statfs), sampled with every heartbeat; a value the agent could not read is left out.",
    "additionalProperties": false,
    "properties": {
      "cpuPercent": {
        "type": "number",
        "minimum": 0,
        "maximum": 100,
        "description": "CPU busy since the previous heartbeat, all cores together"
      },
      "memoryUsedBytes": {
        "type": "number",
        "minimum": 0,
        "description": "MemTotal less MemAvailable"
      },
      "memoryTotalBytes": {
        "type": "number",
        "minimum": 0
      },
      "load1": {
        "type": "number",
        "minimum": 0
      },
      "load5": {
        "type": "number",
        "minimum": 0
      },
      "load15": {
        "type": "number",
        "minimum": 0
      },
      "diskPath": {
        "type": "string",
        "maxLength": 4096,
        "description": "The disk reported: Docker's data root where the agent sees it, else /"
      },
      "diskTotalBytes": {
        "type": "number",
        "minimum": 0
      },
      "diskAvailableBytes": {
        "type": "number",
        "minimum": 0,
        "description": "What an unprivileged write can still use (statfs bavail)"
      },
      "networkRxBytes": {
        "type": "number",
        "minimum": 0,
        "description": "Received by every interface but loopback, since boot"
      },
      "networkTxBytes": {
        "type": "number",
        "minimum": 0
      }
    }
  },
  "Event": {
    "type": "object",
    "description": "One event, believed only from the broker user that speaks for it (`agent-<host>` for its own host; `antagonist` only for `fault`; `control` only for `silence`, and nobody else for it). At most 262144 bytes encoded; control refuses larger ones.",
    "required": [
      "kind",
      "type",
      "at",
      "host"
    ],
    "properties": {
      "kind": {
        "type": "string",
        "const": "event"
      },
      "type": {
        "type": "string",
        "enum": [
          "heal",
          "backoff",
          "verdict",
          "death",
          "command",
          "fault",
          "label",
          "host-network",
          "host-budget",
          "gave-up",
          "recovered",
          "silence",
          "silenced"
        ],
        "description": "heal, backoff, verdict, death, command, fault, label, host-network (the host's own path to its containers broke, to: broken, or is whole again, to: ok; no container) or host-budget (the host's budget of loss restarts is spent, to: paused, or has room again, to: resumed; no container), gave-up (the restart budget is spent and the policy says stop, to: stopped, or notify, to: left as it is) recovered (fine for 3 checks in a row after being down, lossy or unhealthy; from: what it was, durationMs: how long), silence (control records a silence: to: created or removed, with the silence; host: control; only from the broker user control) or silenced (a heal held by a silence, with silenceId; once per silence and container)"
      },
      "at": {
        "$ref": "#/components/schemas/Time"
      },
      "host": {
        "$ref": "#/components/schemas/Hostname"
      },
      "container": {
        "$ref": "#/components/schemas/ContainerName"
      },
      "action": {
        "type": "string",
        "enum": [
          "start",
          "restart"
        ],
        "description": "start or restart (heal, backoff)"
      },
      "trigger": {
        "$ref": "#/components/schemas/EventText"
      },
      "reason": {
        "$ref": "#/components/schemas/EventText"
      },
      "outcome": {
        "type": "string",
        "enum": [
          "ok",
          "already-running",
          "failed",
          "notified",
          "dry-run"
        ],
        "description": "ok, already-running, failed, notified or dry-run (heal; the last two: not done, only told; command: failed when the agent refused it, with the reason)"
      },
      "durationMs": {
        "$ref": "#/components/schemas/Milliseconds"
      },
      "until": {
        "$ref": "#/components/schemas/Time"
      },
      "from": {
        "$ref": "#/components/schemas/EventText"
      },
      "to": {
        "$ref": "#/components/schemas/EventText"
      },
      "exitCode": {
        "type": "integer",
        "description": "an integer (death: the exit code)"
      },
      "command": {
        "type": "string",
        "enum": [
          "threshold",
          "actives",
          "policy",
          "mode",
          "silences"
        ],
        "description": "threshold, actives, policy, mode or silences (command)"
      },
      "detail": {
        "$ref": "#/components/schemas/EventText"
      },
      "by": {
        "$ref": "#/components/schemas/Caller",
        "description": "who asked for it (command): the API token's name"
      },
      "commandId": {
        "type": "string",
        "maxLength": 64,
        "description": "the command's id, its message id (command; an API answer that could not confirm it names the same id)"
      },
      "silence": {
        "$ref": "#/components/schemas/Silence"
      },
      "silenceId": {
        "type": "string",
        "maxLength": 64,
        "description": "a silence id (silenced)"
      },
      "problems": {
        "type": "array",
        "maxItems": 20,
        "description": "label (the wrong `watchdog.*` labels of a container, one line each; at most 20)",
        "items": {
          "$ref": "#/components/schemas/EventText"
        }
      },
      "fault": {
        "type": "string",
        "enum": [
          "stop",
          "loss"
        ],
        "description": "stop or loss (fault)"
      },
      "lossPercent": {
        "$ref": "#/components/schemas/Percent"
      }
    }
  }
};

/** Every channel's address: exchange and queue names ({hostname} is a parameter). */
export const channelAddresses = {
  "commands": "watchdog.commands.topic",
  "agentQueue": "watchdog.agent.{hostname}.commands",
  "agentQueries": "watchdog.agent.{hostname}.queries",
  "replies": "watchdog.replies",
  "heartbeats": "watchdog.heartbeats",
  "events": "watchdog.events"
} as const;
