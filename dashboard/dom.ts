/** A tiny element builder: no framework, no innerHTML with data (text goes in as text). */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | boolean | undefined> = {},
  ...children: (Node | string | null | undefined | false)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (name === 'class') node.className = String(value);
    else node.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children) if (child !== null && child !== undefined && child !== false) node.append(child);
  return node;
}

/** Sets text only when it changed, so a live update does not touch what did not move. */
export function setText(node: Element, text: string): void {
  if (node.textContent !== text) node.textContent = text;
}

export function notice(text: string, kind: 'ok' | 'warn' | 'error' = 'ok'): void {
  const box = document.getElementById('notice');
  if (!box) return;
  box.textContent = text;
  box.className = `notice ${kind}`;
  box.hidden = false;
}
