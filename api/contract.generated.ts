// Generated from openapi.yaml by scripts/contracts.ts (npm run contracts). Do not edit: change openapi.yaml.
/* eslint-disable */
export interface paths {
    "/containers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Every container of every live host
         * @description Asks every live host's agent for its containers and answers as soon as all of them have
         *     replied, at the latest after the gather deadline (`GATHER_TIMEOUT_MS`, 4 s by default).
         *     Hosts that did not answer in time, and hosts heard from before whose heartbeats stopped
         *     (a frozen or cut-off agent), are named in `X-Silent-Hosts`; their containers are missing
         *     from the list, so an empty list with silent hosts means "nobody answered", not "no containers". A monitored name with no container on its host is listed with
         *     status `absent`. Concurrent calls share one gather in flight begun less than a second
         *     before (single flight), so agents answer once however many callers ask; a call made
         *     after a command (monitor, unmonitor, threshold) never joins a gather begun before it.
         *
         *     With a query, only the matching containers: `host` asks that host alone (404
         *     `unknown_host` when it has no live agent; 503 `bus_unavailable` while control is not
         *     connected to RabbitMQ, when no agent could be asked); `status`, `monitored` and `name` are applied by
         *     the agents, so a filtered call moves only what it returns. Without one, every container.
         */
        get: operations["listContainers"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/containers/{hostname}/{containerName}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The host, as its agent names itself (`AGENT_HOSTNAME`).
                 * @example h1
                 */
                hostname: components["parameters"]["hostname"];
                /**
                 * @description A Docker container name on that host.
                 * @example demo-1
                 */
                containerName: components["parameters"]["containerName"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Monitor a container
         * @description Adds the container to its host's monitored list. Answers once that host's agent has
         *     confirmed; from its next check cycle the agent keeps the container running and reachable.
         */
        post: operations["monitorContainer"];
        /**
         * Stop monitoring a container
         * @description Removes the container from its host's monitored list; the agent no longer starts or
         *     restarts it. Allowed for a name with no container on the host (it may have been removed).
         */
        delete: operations["unmonitorContainer"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/containers/{hostname}/{containerName}/policy": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The host, as its agent names itself (`AGENT_HOSTNAME`).
                 * @example h1
                 */
                hostname: components["parameters"]["hostname"];
                /**
                 * @description A Docker container name on that host.
                 * @example demo-1
                 */
                containerName: components["parameters"]["containerName"];
            };
            cookie?: never;
        };
        /**
         * A container's policy, each value with where it came from
         * @description What applies to the container now: its loss threshold, stop grace, restart limit and
         *     action, each from the first place that sets it: the API (`PUT` here), the container's
         *     `watchdog.*` labels, its own Docker StopTimeout (stop grace only), the host's defaults.
         *     Also the policy set through the API alone, and the labels with wrong values.
         */
        get: operations["getPolicy"];
        /**
         * Set (replace) a container's policy
         * @description Replaces the policy set through the API for this container (saved by its agent, it
         *     survives a restart); the fields left out come from its labels or the host again. `{}`
         *     removes it. Takes effect at once. Does not monitor the container: `POST` its path does,
         *     or a `watchdog.monitor=true` label. For a name with no container the answer is 404
         *     `unknown_container`; with `{}` a policy kept for that name is removed all the same.
         *     `curl -X PUT -H 'Content-Type: application/json' -d '{"threshold":20,"stopTimeoutSec":30}' http://localhost:8080/containers/h1/db/policy`
         */
        put: operations["setPolicy"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/dry-run": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Observe only (dry run), for every host or one
         * @description With `dryRun: true` the agents keep probing and deciding, and log and publish every
         *     start or restart they would have done (events with outcome `dry-run`), but touch no
         *     container. Saved by each agent. A host started with `DRY_RUN=true` stays observe-only
         *     and refuses `false`.
         */
        put: operations["setDryRun"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/threshold": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Set the packet-loss threshold of every agent
         * @description The body is a bare JSON number: the packet loss (%) strictly above which an agent restarts
         *     a container, e.g. `curl -X PUT -H 'Content-Type: application/json' -d 80 http://localhost:8080/threshold`.
         *     Sent to every agent's durable queue; the answer waits for the live hosts to confirm, at
         *     most the gather deadline.
         */
        put: operations["setThreshold"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/silences": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The silences in force (maintenance windows)
         * @description Every silence that has not expired or been removed, soonest to end first. Read from the events stream, where control records each silence, so they are the same after control restarts.
         */
        get: operations["listSilences"];
        put?: never;
        /**
         * Silence containers until a time (a maintenance window)
         * @description While a silence is in force, the agents of its hosts (every host without `hosts`) do not
         *     start or restart the containers whose names match `containers` (`*` any run, `?` one
         *     character); they keep probing and judging, and tell each held heal once per silence and
         *     container as a `silenced` event naming the silence. With `heal: true` heals go on and only
         *     the notifications are held. Webhooks are not sent for matching containers unless `notify:
         *     true` (then each held heal is one too, kind notify); a silence of `*` also holds the host's own notifications (host silent, host network,
         *     host budget). It ends on its own at `until` (at most `EVENTS_MAX_AGE` ahead: control keeps
         *     silences on the events stream), or with DELETE. Recorded on the stream first (a `silence`
         *     event), then sent to every agent, which keeps it in its state file; a host that was away
         *     gets it when it is heard again.
         */
        post: operations["createSilence"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/silences/{silenceId}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The silence's id, as POST /silences answered it.
                 * @example s-3f9a1c0b7e21
                 */
                silenceId: string;
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * End a silence now
         * @description Recorded on the events stream (a `silence` event, to removed), then sent to every agent; held heals go on at their next check.
         */
        delete: operations["deleteSilence"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/hosts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The hosts whose agents have been heard from
         * @description An agent is live while its heartbeats (every 2 s) keep arriving; it stops being live after `HOST_TIMEOUT_MS` (6 s by default) of silence, or at once when it shuts down cleanly. A threshold or observe-only change shows here as soon as the host confirmed it, not one heartbeat later.
         */
        get: operations["listHosts"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/hosts/{hostname}/resources": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The host, as its agent names itself (`AGENT_HOSTNAME`).
                 * @example h1
                 */
                hostname: components["parameters"]["hostname"];
            };
            cookie?: never;
        };
        /**
         * A host's CPU and memory over the last hour
         * @description From its heartbeats as control heard them (since control started): one sample per 30 s, the mean of the heartbeats in it, oldest first. For longer, Prometheus keeps the agents' node_* metrics (`GET /history`, Grafana).
         */
        get: operations["getHostResources"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/whoami": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Whose token this is
         * @description The name and role of the call's token (the name is what the audit log, `GET /events?type=command`, says did a change). On a control with no token at all, `api` with the role `admin`.
         */
        get: operations["whoAmI"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Whether this control service can reach the bus
         * @description 200 while RabbitMQ answers (each call, or one within the last second, makes a round trip to it, at most 1 s), 503 while not connected or while the broker does not answer; for load balancers and health checkers (which may use `HEAD`).
         */
        get: operations["getHealth"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/history": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One measurement of the containers over time, from Prometheus
         * @description Series of one metric per container, read from Prometheus (`PROMETHEUS_URL`) so that no
         *     caller needs PromQL. The window is `from`..`to` (ISO 8601; `to` defaults to now) or, without
         *     `from`, the last `range`. `step` defaults to the window / 240, at least 5 s (the scrape
         *     interval). Without `PROMETHEUS_URL` the answer is 503 `history_unavailable`.
         */
        get: operations["getHistory"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * What happened, newest first, from the events stream
         * @description Heals, held-back heals (backoff), verdict changes (ok to lossy and back), deaths of
         *     monitored containers, applied commands and the antagonist's faults, as kept in RabbitMQ's
         *     stream `watchdog.events.stream` (7 days by default). Newest first; a page holds at most
         *     `limit` events and about 1 MB of them (at least one); when more match, `next` is the
         *     cursor for the following page (`before=<next>`). Just after control
         *     starts, the call waits (up to 5 s) until control has read the stream to its end.
         */
        get: operations["listEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/events/live": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * New events as they happen (Server-Sent Events)
         * @description An `text/event-stream` that stays open: each new event that matches the filters is sent as
         *     `id: <id>`, `event: <type>`, `data: <Event as JSON>`; a comment line every 15 s keeps
         *     proxies from closing it. Events are pushed as control reads them from the stream (within
         *     milliseconds of the agent publishing them).
         */
        get: operations["streamEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/scorecard": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The chaos scorecard: injected faults, their heals, and restarts no fault explains
         * @description From the events stream: every fault the antagonist injected since `since` (it publishes
         *     them when it has `AMQP_URL`) is matched to the first successful heal of that container that
         *     ended after it. Per host and kind of fault: faults, healed, never healed (no heal within 60 s),
         *     pending (younger than that), and time to heal (fault to container running again).
         *     `falseRestarts` lists the watchdog's heals that answered no fault (a container that died
         *     by itself, or a dummy's self-inflicted loss, also counts here).
         */
        get: operations["getScorecard"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Control's own metrics for Prometheus
         * @description The Prometheus text exposition: REST requests by operation and status, their duration, hosts live and silent, the bus connection, and Node.js process metrics. Each agent serves its containers' metrics on its own `METRICS_PORT`.
         */
        get: operations["getMetrics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        Caller: {
            /** @example alice */
            name: string;
            /** @enum {string} */
            role: "read" | "operate" | "admin";
        };
        Container: {
            /** @example h1 */
            hostname: string;
            /** @example demo-1 */
            name: string;
            /**
             * @description Docker's state (created, running, paused, restarting, removing, exited, dead), or `absent` for a monitored name with no container on the host.
             * @example running
             */
            status: string;
            monitored: boolean;
            /**
             * Format: date-time
             * @description Present while the agent holds back restarts of this container after a restart storm.
             */
            backoffUntil?: string;
            /**
             * Format: date-time
             * @description When the agent last probed it. This and the fields below are present for a monitored container once measured.
             */
            checkedAt?: string;
            /** @description Packet loss of its last probe (%). */
            lossPercent?: number;
            /** @description Mean round-trip time of its last probe's replies (ms); absent when none came back. */
            rttMs?: number;
            /** @description Fastest reply of its last probe (ms). */
            rttMinMs?: number;
            /** @description Slowest reply of its last probe (ms). */
            rttMaxMs?: number;
            /** @description CPU used between the last two samples, in percent of one core (200 = two cores busy). */
            cpuPercent?: number;
            /** @description Memory working set (usage minus inactive page cache), as cAdvisor counts it. */
            memoryBytes?: number;
            /** @description Bytes received on all its interfaces since it started. */
            networkRxBytes?: number;
            /** @description Bytes sent on all its interfaces since it started. */
            networkTxBytes?: number;
            /** @description Starts and restarts by the watchdog in the last 24 h (since the agent started, if less). */
            restarts?: number;
            /** @description How sure the last sequential verdict was (VERDICT=sequential): `lossPercent` is its estimate, this its 95 % interval, over how many probes and how long. */
            lossVerdict?: {
                /**
                 * @description sequential: the test crossed a boundary; silence: no reply at all.
                 * @enum {string}
                 */
                rule: "sequential" | "silence";
                lossLowPercent: number;
                lossHighPercent: number;
                probes: number;
                decidedInMs: number;
            };
            /** @description Its service probe's last result, when its labels ask for one (`watchdog.probe`: http, tcp or exec). */
            serviceProbe?: {
                /** @example http://172.17.0.5:8080/health */
                probe: string;
                ok: boolean;
                /** @example HTTP 500 */
                detail: string;
                /** Format: date-time */
                at: string;
            };
            /** @description The watchdog's last start or restart of it. */
            lastHeal?: {
                /** Format: date-time */
                at: string;
                /** @enum {string} */
                action: "start" | "restart";
                /** @example loss 100% > threshold 60% */
                reason: string;
                /**
                 * @description notified, dry-run: not done, only told (its policy's action is notify, or the host observes only).
                 * @enum {string}
                 */
                outcome: "ok" | "already-running" | "failed" | "notified" | "dry-run";
            };
            policy?: components["schemas"]["EffectivePolicy"];
            apiPolicy?: components["schemas"]["Policy"];
            /**
             * @description Its `watchdog.*` labels with wrong values, which are ignored.
             * @example [
             *       "watchdog.threshold: must be a number from 0 to 100 (got \"high\")"
             *     ]
             */
            labelProblems?: string[];
        };
        /** @description A policy set through the API. Every field is optional; one left out comes from the container's label, else the host. */
        Policy: {
            /** @description Loss (%) strictly above which it is restarted. */
            threshold?: number;
            /** @description Grace (s) between SIGTERM and SIGKILL when it is restarted. */
            stopTimeoutSec?: number;
            /** @description Restarts allowed within RESTART_WINDOW_MS before backoff. */
            restartLimit?: number;
            /**
             * @description restart: heal it; notify: tell (log, event, webhook), do not touch; none: neither.
             * @enum {string}
             */
            action?: "restart" | "notify" | "none";
            /**
             * @description When its restart budget is spent: backoff (wait, then heal again; the default), stop (stop it and leave it stopped until someone starts it or monitors it again), notify (leave it as it is and heal it no more until it recovers or is monitored again); stop and notify say so once, a gave-up event.
             * @enum {string}
             */
            onExhausted?: "backoff" | "stop" | "notify";
            probe?: components["schemas"]["ServiceProbe"];
        };
        /** @description A service probe beside ping, as the watchdog.probe* labels say it (Kubernetes' liveness meanings and defaults: period 10 s, timeout 1 s, 3 failures to restart, 1 success to count as well again); set through the API it replaces the labels' probe, and `icmp` removes it. The probe targets the container's own address. */
        ServiceProbe: {
            /**
             * @description icmp (none beyond ping), http://:<port>/<path> (2xx or 3xx is success), tcp://:<port> (a connection) or exec:<command> (run with sh -c in the container; exit 0 is success)
             * @example http://:8080/health
             */
            probe: string;
            /** @description Seconds between probes (10). */
            periodSec?: number;
            /** @description Seconds a probe may take (1). */
            timeoutSec?: number;
            /** @description Failures in a row that restart it (3). */
            failures?: number;
            /** @description Successes in a row to count as well again (1). */
            successes?: number;
            /** @description http: the status it must answer (default: any 2xx or 3xx). */
            expectStatus?: number;
            /** @description http: a text the body must hold. */
            expectBody?: string;
        };
        Sourced: {
            /** @description The value that applies. */
            value: unknown;
            /**
             * @description Where it came from: the API, a watchdog.* label, the container's own StopTimeout, the host's default.
             * @enum {string}
             */
            source: "api" | "label" | "container" | "host";
        };
        /** @description What applies to the container now, each value with where it came from (API > label > container > host). */
        EffectivePolicy: {
            threshold: components["schemas"]["Sourced"];
            stopTimeoutSec: components["schemas"]["Sourced"];
            restartLimit: components["schemas"]["Sourced"];
            action: components["schemas"]["Sourced"];
            onExhausted?: components["schemas"]["Sourced"];
            /** @description Its service probe (a ServiceProbe), when it has one; absent: ICMP only. */
            probe?: {
                value: components["schemas"]["ServiceProbe"];
                /**
                 * @description api or label
                 * @enum {string}
                 */
                source: "api" | "label" | "container" | "host";
            };
        };
        PolicyView: {
            /** @example h1 */
            hostname: string;
            /** @example db */
            name: string;
            monitored: boolean;
            effective: components["schemas"]["EffectivePolicy"];
            api: components["schemas"]["Policy"];
            labelProblems?: string[];
        };
        DryRunResult: {
            dryRun: boolean;
            /** @description Hosts whose agents applied it. */
            confirmed: string[];
            /** @description Hosts that did not answer before the deadline; it waits in their queues. */
            unconfirmed: string[];
            refused: {
                hostname: string;
                message: string;
            }[];
        };
        /** @description One event; which optional fields it has depends on `type`. */
        Event: {
            /**
             * @description Its offset in the stream: a larger id is a later event.
             * @example 1042
             */
            id: string;
            /**
             * @description silence: control recorded a silence (to: created, or removed; silence: the silence, by: who; host: control); silenced: a heal held by a silence (silenceId, until: when the silence ends; told once per silence and container); gave-up: a container's restart budget is spent and its policy's onExhausted is stop (to: stopped) or notify (to: left as it is): healing it stops until someone acts; recovered: a container that was down, lossy or unhealthy has been fine for 3 checks in a row (from: what it was, durationMs: how long it was in trouble); heal: the watchdog started or restarted a container (or, with outcome notified or dry-run, would have); backoff: a restart held back by the restart budget; verdict: a container's probe verdict changed (ok, lossy); death: a monitored container died; command: an agent applied a command (or refused it: outcome failed, with the reason), naming its commandId and who asked (by): the audit log of changes; fault: the antagonist injected a fault; label: a container's watchdog.* labels have wrong values (ignored); host-network: the host's own path to its containers looks broken (to: broken, with the reason; loss restarts are held) or is whole again (to: ok, durationMs: how long it was broken); it names no container.
             * @enum {string}
             */
            type: "heal" | "backoff" | "verdict" | "death" | "command" | "fault" | "label" | "host-network" | "host-budget" | "gave-up" | "recovered" | "silence" | "silenced";
            /** Format: date-time */
            at: string;
            /** @example h1 */
            host: string;
            /** @example web */
            container?: string;
            /** @enum {string} */
            action?: "start" | "restart";
            /**
             * @description What set a heal off: check, event: die, reconcile: ..., recheck: ...
             * @example event: die
             */
            trigger?: string;
            /** @example container is exited */
            reason?: string;
            /** @enum {string} */
            outcome?: "ok" | "already-running" | "failed" | "notified" | "dry-run";
            /** @description How long the heal took. */
            durationMs?: number;
            /**
             * Format: date-time
             * @description backoff: when restarts are allowed again; silenced: when the silence ends.
             */
            until?: string;
            /**
             * @description verdict: the previous verdict.
             * @example ok
             */
            from?: string;
            /**
             * @description verdict: the new verdict; host-network: broken or ok; host-budget: paused or resumed; silence: created or removed.
             * @example lossy
             */
            to?: string;
            /** @description death: the container's exit code. */
            exitCode?: number;
            /** @enum {string} */
            command?: "threshold" | "actives" | "policy" | "mode" | "silences";
            silence?: components["schemas"]["Silence"];
            /**
             * @description silenced: the silence that held the heal.
             * @example s-3f9a1c0b7e21
             */
            silenceId?: string;
            /** @description label: the wrong labels, one line each. */
            problems?: string[];
            /** @example threshold 80% */
            detail?: string;
            /**
             * @description command: who asked for it, the name of the API token (`api` for API_TOKEN, or when control has no token).
             * @example alice
             */
            by?: string;
            /**
             * @description command: the command's id; an answer that could not confirm a command (504 not_confirmed, 503 after it was handed to RabbitMQ) names the same id.
             * @example 3b0c4c3e-5f1e-4a47-9a55-0c2b7f1d2e11
             */
            commandId?: string;
            /** @enum {string} */
            fault?: "stop" | "loss";
            /** @description fault: the loss injected (%). */
            lossPercent?: number;
        };
        EventPage: {
            events: components["schemas"]["Event"][];
            /**
             * @description Present when more events match: pass it as `before` for the next page.
             * @example 977
             */
            next?: string;
        };
        Scorecard: {
            /** Format: date-time */
            since: string;
            /** Format: date-time */
            until: string;
            rows: {
                /** @example h1 */
                host: string;
                /**
                 * @description The kind of fault.
                 * @example stop
                 */
                kind: string;
                faults: number;
                /** @description Answered by a heal that explains it: a start for a stop, a restart for loss. */
                healed: number;
                /** @description Loss faults no agent judged lossy within a minute (at or under the container's threshold): they need no heal. */
                tolerated: number;
                /** @description Loss faults that a heal of another fault of the same container (a start after a stop) ended within a minute, before any agent judged them lossy: the new network namespace has no loss; whether they needed a heal is unknown. */
                overtaken: number;
                /** @description Older than a minute and not answered: a stop never followed by a start, or loss judged lossy and never restarted. */
                neverHealed: number;
                /** @description Younger than a minute and not answered yet. */
                pending: number;
                timeToHealMs?: {
                    median: number;
                    p95: number;
                    max: number;
                };
            }[];
            falseRestarts: {
                host: string;
                container: string;
                /** Format: date-time */
                at: string;
                reason: string;
            }[];
        };
        /**
         * @description loss: packet loss (%); rtt, rttMin, rttMax: round-trip time (ms); cpu: CPU (% of one core);
         *     memory: working set (bytes); networkRx, networkTx: network (bytes/s); restarts: the watchdog's restarts in the last 24 h.
         * @enum {string}
         */
        HistoryMetric: "loss" | "rtt" | "rttMin" | "rttMax" | "cpu" | "memory" | "networkRx" | "networkTx" | "restarts";
        History: {
            metric: components["schemas"]["HistoryMetric"];
            /** @enum {string} */
            unit: "%" | "ms" | "bytes" | "bytes/s" | "count";
            /** Format: date-time */
            from: string;
            /** Format: date-time */
            to: string;
            stepSeconds: number;
            series: {
                /** @example h1 */
                host: string;
                /** @example dummy-1 */
                name: string;
                /**
                 * @description [time in ms since the epoch, value] pairs, oldest first.
                 * @example [
                 *       [
                 *         1764072000000,
                 *         0
                 *       ],
                 *       [
                 *         1764072005000,
                 *         20
                 *       ]
                 *     ]
                 */
                points: number[][];
            }[];
        };
        SilenceRequest: {
            /** @description Only these hosts; without it, every host (also hosts enrolled later). */
            hosts?: string[];
            /**
             * @description The container names it holds: `*` any run, `?` one character (`*` is every container).
             * @example db-*
             */
            containers: string;
            /**
             * Format: date-time
             * @description When it ends: in the future, at most EVENTS_MAX_AGE (7 days by default) ahead.
             */
            until: string;
            /** @example database upgrade */
            reason: string;
            /**
             * @description true: heals go on (only notifications are held, unless notify).
             * @default false
             */
            heal: boolean;
            /**
             * @description true: webhooks are sent as usual.
             * @default false
             */
            notify: boolean;
        };
        Silence: {
            /** @example s-3f9a1c0b7e21 */
            id: string;
            /** @description Only these hosts; absent: every host. */
            hosts?: string[];
            /** @example db-* */
            containers: string;
            /** Format: date-time */
            until: string;
            reason: string;
            heal: boolean;
            notify: boolean;
            /** @description Who made it: the API token's name. */
            by: string;
            /** Format: date-time */
            createdAt: string;
        };
        SilenceResult: {
            silence: components["schemas"]["Silence"];
            /** @description Live hosts whose agents hold the new list of silences. */
            confirmed: string[];
            /** @description Live hosts that did not answer before the deadline: they get it when control hears them next. */
            unconfirmed: string[];
        };
        ThresholdResult: {
            /** @example 80 */
            threshold: number;
            /** @description Hosts whose agents applied it. */
            confirmed: string[];
            /** @description Live hosts that did not confirm before the deadline; it waits in their queues. */
            unconfirmed: string[];
        };
        Host: {
            hostname: string;
            live: boolean;
            /** Format: date-time */
            lastSeen: string;
            threshold?: number;
            /** @description How many containers it monitors. */
            monitored?: number;
            /** @description It observes only: decides and tells, touches nothing. */
            dryRun?: boolean;
            resources?: components["schemas"]["HostResources"];
        };
        /** @description The host's own health from its last heartbeat (every 2 s), as its kernel keeps it; a value the agent could not read is left out. The agent's /metrics has the same with node_exporter's names (node_load1, node_memory_MemAvailable_bytes, node_filesystem_avail_bytes, ...). */
        HostResources: {
            /** @description CPU busy since the previous heartbeat, all cores together */
            cpuPercent?: number;
            /** @description MemTotal less MemAvailable */
            memoryUsedBytes?: number;
            memoryTotalBytes?: number;
            load1?: number;
            load5?: number;
            load15?: number;
            /** @description The disk reported: Docker's data root where the agent sees it (HOST_DISK_PATH), else / */
            diskPath?: string;
            diskTotalBytes?: number;
            /** @description What an unprivileged write can still use */
            diskAvailableBytes?: number;
            /** @description Received by every interface but loopback, since boot */
            networkRxBytes?: number;
            networkTxBytes?: number;
        };
        HostResourceHistory: {
            hostname: string;
            /** @example 30 */
            stepSeconds: number;
            samples: {
                /**
                 * Format: date-time
                 * @description The start of its 30 s
                 */
                at: string;
                /** @description Mean CPU busy of the heartbeats in it */
                cpuPercent?: number;
                /** @description Mean memory in use (MemTotal less MemAvailable) of the heartbeats in it */
                memoryPercent?: number;
            }[];
        };
        Health: {
            /** @enum {string} */
            status: "ok" | "degraded";
            /**
             * @description connected: RabbitMQ answered a round trip within 1 s; disconnected: no connection (it reconnects by itself); unresponsive: connected, but the broker did not answer (frozen, or overloaded)
             * @enum {string}
             */
            bus: "connected" | "disconnected" | "unresponsive";
            liveHosts: number;
        };
        Error: {
            /** @description A stable code, e.g. invalid_request, unauthorized, unknown_host, unknown_container, unknown_silence, too_many_silences, not_found, method_not_allowed, too_large, headers_too_large, agent_failed, bus_unavailable, no_live_agent, not_confirmed, unsupported_media_type. */
            error: string;
            /** @description What was wrong, for people. */
            message: string;
            /** @description The command this answer is about when it may have been applied, or may yet be (504 not_confirmed; 503 bus_unavailable when the connection closed after the command was handed to RabbitMQ): GET /events?type=command shows the command event with this commandId once an agent applied or refused it. */
            commandId?: string;
            details?: {
                field?: string;
                rule?: string;
            }[];
        };
    };
    responses: {
        /** @description `unauthorized`: only when control has a `read` token (`API_READ_TOKEN`, or one in `API_TOKENS_FILE`), and the call has no `Authorization: Bearer` with one of its tokens. Without a read token, reads need no token. */
        ReadUnauthorized: {
            headers: {
                "WWW-Authenticate"?: string;
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description `unsupported_media_type`: a body sent with a Content-Type other than application/json. Nothing changed. */
        UnsupportedMediaType: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Invalid input (body, path or query, including a path segment that is not valid percent-encoding or an unknown query parameter); `details` names each field and rule. Nothing changed. */
        BadRequest: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description `too_large`: the body is larger than 16 KB (on any method; a GET has no use for a body). Nothing changed. */
        TooLarge: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description `API_TOKEN` (or `API_TOKENS_FILE`) is set and the request has no `Authorization: Bearer` token, or one control does not have. Nothing changed. */
        Unauthorized: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description `forbidden`: the token is a `read` token; changes need an `operate` or `admin` one. Nothing changed. */
        Forbidden: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description `unknown_host`: no live agent has that host name. `unknown_container`: that host has no container of that name. Nothing changed. (While control is not connected to RabbitMQ no agent could be asked: 503 `bus_unavailable`, never 404.) */
        NotFound: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description RabbitMQ confirmed the command but no host asked answered before the deadline. The command waits in the host's durable queue or is being applied; `commandId` names it, and its outcome (applied, or refused with the reason) shows in GET /events?type=command as the command event with that commandId. */
        NotConfirmed: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description The host's agent answered but could not apply the change (e.g. its state file is not writable); `message` says why. Nothing changed on that host. */
        AgentFailed: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Nobody could be asked, and nothing was sent: this control service is not connected to RabbitMQ right now (`bus_unavailable`; it reconnects by itself), or no agent is live (`no_live_agent`, for a command to every host). Or the command was handed to RabbitMQ but not confirmed (no confirm before the deadline, or the connection closed first): it may or may not have been queued, and `commandId` names it so its command event can be looked for. `message` says which. Sending it again is safe: every command sets a state. */
        BusUnavailable: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
    };
    parameters: {
        /**
         * @description The host, as its agent names itself (`AGENT_HOSTNAME`).
         * @example h1
         */
        hostname: string;
        /**
         * @description A Docker container name on that host.
         * @example demo-1
         */
        containerName: string;
    };
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    listContainers: {
        parameters: {
            query?: {
                /** @description Only this host's containers. */
                host?: string;
                /** @description Only these states, comma-separated: Docker's, or `absent`. */
                status?: string;
                /** @description Only monitored (true) or unmonitored (false) containers. */
                monitored?: "true" | "false";
                /** @description A name pattern: `*` matches any run of characters, `?` one character. */
                name?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The containers of the hosts that answered, sorted by host and name. */
            200: {
                headers: {
                    /** @description Comma-separated hosts that answered. */
                    "X-Answered-Hosts"?: string;
                    /** @description Comma-separated hosts whose containers are missing, sorted; live hosts that did not answer before the deadline, and (without `host`) hosts heard from before that fell silent. Empty when every known host answered. */
                    "X-Silent-Hosts"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Container"][];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["ReadUnauthorized"];
            /** @description `unknown_host`: the `host` query names no host with a live agent; the message lists the live ones. (While control is not connected to RabbitMQ, no agent could be asked: 503 `bus_unavailable` instead.) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            503: components["responses"]["BusUnavailable"];
        };
    };
    monitorContainer: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The host, as its agent names itself (`AGENT_HOSTNAME`).
                 * @example h1
                 */
                hostname: components["parameters"]["hostname"];
                /**
                 * @description A Docker container name on that host.
                 * @example demo-1
                 */
                containerName: components["parameters"]["containerName"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The agent confirmed; the container as it is now. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Container"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["TooLarge"];
            502: components["responses"]["AgentFailed"];
            503: components["responses"]["BusUnavailable"];
            504: components["responses"]["NotConfirmed"];
        };
    };
    unmonitorContainer: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The host, as its agent names itself (`AGENT_HOSTNAME`).
                 * @example h1
                 */
                hostname: components["parameters"]["hostname"];
                /**
                 * @description A Docker container name on that host.
                 * @example demo-1
                 */
                containerName: components["parameters"]["containerName"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The agent confirmed; the container as it is now. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Container"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["TooLarge"];
            502: components["responses"]["AgentFailed"];
            503: components["responses"]["BusUnavailable"];
            504: components["responses"]["NotConfirmed"];
        };
    };
    getPolicy: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The host, as its agent names itself (`AGENT_HOSTNAME`).
                 * @example h1
                 */
                hostname: components["parameters"]["hostname"];
                /**
                 * @description A Docker container name on that host.
                 * @example demo-1
                 */
                containerName: components["parameters"]["containerName"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The container's policy. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PolicyView"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["ReadUnauthorized"];
            404: components["responses"]["NotFound"];
            503: components["responses"]["BusUnavailable"];
            504: components["responses"]["NotConfirmed"];
        };
    };
    setPolicy: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The host, as its agent names itself (`AGENT_HOSTNAME`).
                 * @example h1
                 */
                hostname: components["parameters"]["hostname"];
                /**
                 * @description A Docker container name on that host.
                 * @example demo-1
                 */
                containerName: components["parameters"]["containerName"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "threshold": 20,
                 *       "stopTimeoutSec": 30,
                 *       "restartLimit": 2,
                 *       "action": "restart"
                 *     }
                 */
                "application/json": components["schemas"]["Policy"];
            };
        };
        responses: {
            /** @description The agent saved it; the container's policy now. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PolicyView"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["TooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            502: components["responses"]["AgentFailed"];
            503: components["responses"]["BusUnavailable"];
            504: components["responses"]["NotConfirmed"];
        };
    };
    setDryRun: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "dryRun": true
                 *     }
                 */
                "application/json": {
                    dryRun: boolean;
                    /** @description One host; without it, every live host. */
                    hostname?: string;
                };
            };
        };
        responses: {
            /** @description Every host asked confirmed. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DryRunResult"];
                };
            };
            /** @description Some hosts did not confirm before the deadline (`unconfirmed`); it waits in their durable queues. When none confirmed, the answer is 504 instead. */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DryRunResult"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            /** @description A host refused (it runs with `DRY_RUN=true`); the others applied it. The body lists who did what. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DryRunResult"];
                };
            };
            413: components["responses"]["TooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            503: components["responses"]["BusUnavailable"];
            504: components["responses"]["NotConfirmed"];
        };
    };
    setThreshold: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /** @example 80 */
                "application/json": number;
            };
        };
        responses: {
            /** @description Every live host confirmed. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ThresholdResult"];
                };
            };
            /**
             * @description Some live hosts did not confirm before the deadline (listed in `unconfirmed`). The
             *     command waits in their durable queues and is applied when their agents read it. When
             *     none confirmed, the answer is 504; when no agent is live, 503 and nothing is sent. A host
             *     that read it and refused it (e.g. its state file cannot be written) makes the answer
             *     502 instead, naming the host and its reason.
             */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ThresholdResult"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            413: components["responses"]["TooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            502: components["responses"]["AgentFailed"];
            503: components["responses"]["BusUnavailable"];
            504: components["responses"]["NotConfirmed"];
        };
    };
    listSilences: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The silences in force. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Silence"][];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["ReadUnauthorized"];
            503: components["responses"]["BusUnavailable"];
        };
    };
    createSilence: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "hosts": [
                 *         "h1"
                 *       ],
                 *       "containers": "db-*",
                 *       "until": "2026-12-07T22:00:00Z",
                 *       "reason": "database upgrade"
                 *     }
                 */
                "application/json": components["schemas"]["SilenceRequest"];
            };
        };
        responses: {
            /** @description Recorded and in force; `confirmed` lists the live hosts whose agents hold it now, `unconfirmed` those that did not answer before the deadline (they get it when control hears them next). */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SilenceResult"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            /** @description `too_many_silences`: 100 silences are in force already. Nothing changed. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            413: components["responses"]["TooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            503: components["responses"]["BusUnavailable"];
        };
    };
    deleteSilence: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The silence's id, as POST /silences answered it.
                 * @example s-3f9a1c0b7e21
                 */
                silenceId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Ended; the silence as it was, and who confirmed. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SilenceResult"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            /** @description `unknown_silence`: no silence in force has that id (it may have expired). Nothing changed. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            503: components["responses"]["BusUnavailable"];
        };
    };
    listHosts: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Known hosts, sorted by name. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Host"][];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["ReadUnauthorized"];
        };
    };
    getHostResources: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The host, as its agent names itself (`AGENT_HOSTNAME`).
                 * @example h1
                 */
                hostname: components["parameters"]["hostname"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The host's samples. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HostResourceHistory"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["ReadUnauthorized"];
            404: components["responses"]["NotFound"];
        };
    };
    whoAmI: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The token's name and role. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Caller"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
        };
    };
    getHealth: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Connected to RabbitMQ, and it answered. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Health"];
                };
            };
            400: components["responses"]["BadRequest"];
            /** @description Not connected to RabbitMQ (it reconnects by itself), or connected to a broker that did not answer within 1 s (`bus` says which). */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Health"];
                };
            };
        };
    };
    getHistory: {
        parameters: {
            query: {
                metric: components["schemas"]["HistoryMetric"];
                /**
                 * @description Only this host.
                 * @example h1
                 */
                host?: string;
                /**
                 * @description Only containers of this name.
                 * @example dummy-1
                 */
                container?: string;
                /**
                 * @description The window ending at `to` when `from` is not given: a number and a unit (s, m, h, d), at most 8d.
                 * @example 15m
                 */
                range?: string;
                /** @description Start of the window. */
                from?: string;
                /** @description End of the window (default now). */
                to?: string;
                /** @description Seconds between points: at least 1, at most 11,000 points in all. */
                step?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One series per container, sorted by host and name; a container with no sample in the window has no series. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["History"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["ReadUnauthorized"];
            /** @description `prometheus_failed`: Prometheus did not answer or refused the query; `message` says what it said. */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `history_unavailable`: control has no `PROMETHEUS_URL`; the message says how to set it. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listEvents: {
        parameters: {
            query?: {
                /** @example h1 */
                host?: string;
                /** @example dummy-1 */
                container?: string;
                /**
                 * @description One type or several, comma-separated.
                 * @example heal,fault
                 */
                type?: string;
                /** @description Only events at or after this time. */
                since?: string;
                /** @description Only events at or before this time. */
                until?: string;
                /** @description Events per page. */
                limit?: number;
                /** @description The `next` of the previous page. */
                before?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of events, newest first. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EventPage"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["ReadUnauthorized"];
            503: components["responses"]["BusUnavailable"];
        };
    };
    streamEvents: {
        parameters: {
            query?: {
                host?: string;
                container?: string;
                type?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The stream of events. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example id: 1042
                     *     event: heal
                     *     data: {"id":"1042","type":"heal","at":"2026-11-25T10:00:00.000Z","host":"h1","container":"web","action":"start","outcome":"ok","durationMs":290}
                     */
                    "text/event-stream": string;
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["ReadUnauthorized"];
        };
    };
    getScorecard: {
        parameters: {
            query?: {
                /** @description Start of the window (default: one hour ago). */
                since?: string;
                host?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The scorecard. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Scorecard"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["ReadUnauthorized"];
            503: components["responses"]["BusUnavailable"];
        };
    };
    getMetrics: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Metrics in the Prometheus text format 0.0.4. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/plain": string;
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["ReadUnauthorized"];
        };
    };
}
export type Caller = components['schemas']['Caller'];
export type Container = components['schemas']['Container'];
export type Policy = components['schemas']['Policy'];
export type ServiceProbe = components['schemas']['ServiceProbe'];
export type Sourced = components['schemas']['Sourced'];
export type EffectivePolicy = components['schemas']['EffectivePolicy'];
export type PolicyView = components['schemas']['PolicyView'];
export type DryRunResult = components['schemas']['DryRunResult'];
export type Event = components['schemas']['Event'];
export type EventPage = components['schemas']['EventPage'];
export type Scorecard = components['schemas']['Scorecard'];
export type HistoryMetric = components['schemas']['HistoryMetric'];
export type History = components['schemas']['History'];
export type SilenceRequest = components['schemas']['SilenceRequest'];
export type Silence = components['schemas']['Silence'];
export type SilenceResult = components['schemas']['SilenceResult'];
export type ThresholdResult = components['schemas']['ThresholdResult'];
export type Host = components['schemas']['Host'];
export type HostResources = components['schemas']['HostResources'];
export type HostResourceHistory = components['schemas']['HostResourceHistory'];
export type Health = components['schemas']['Health'];
export type ErrorBody = components['schemas']['Error'];
