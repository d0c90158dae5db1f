import type { Page } from 'playwright-core';

// "Nothing overlaps or is clipped" (issue 11) as a check on the page as it is: every visible
// button, tab, pill and field label inside the viewport's width, its text neither cut off nor
// spilling out of its box (scroll size within the client size), a tab's, pill's or page key's
// label on one line (the page strip's keys may take two), and no two controls of the same bar
// over each other. Returns what is wrong, in words (expected: []). Elements scrolled out of view vertically in a scrolling screen are not faults.

// (plain JavaScript run in the page: the tests are compiled without the DOM's types)
const CHECK = `(sel) => {
    const out = [];
    const W = window.innerWidth; const H = window.innerHeight;
    const name = (el) => \`\${el.tagName.toLowerCase()}\${el.getAttribute('data-testid') ? \`[data-testid=\${el.getAttribute('data-testid')}]\` : ''}\${el.getAttribute('data-tab') ? \`[data-tab=\${el.getAttribute('data-tab')}]\` : ''} "\${(el.textContent ?? '').trim().slice(0, 30)}"\`;
    const visible = (el) => {
      const r = el.getBoundingClientRect();
      const st = getComputedStyle(el);
      return r.width > 0 && r.height > 0 && st.visibility !== 'hidden' && st.display !== 'none' && !el.closest('[hidden]');
    };
    const root = document.querySelector(sel);
    if (!root) return [\`\${sel} not found\`];
    const controls = [...root.querySelectorAll('button, .tab, .pill, .field-label, a.btn, label.opt')].filter(visible);
    for (const el of controls) {
      const r = el.getBoundingClientRect();
      if (r.left < -0.5 || r.right > W + 0.5) out.push(\`\${name(el)} outside the width (\${Math.round(r.left)}–\${Math.round(r.right)} of \${W})\`);
      if (r.bottom <= 0 || r.top >= H) continue; // scrolled away
      if (el.scrollWidth > el.clientWidth + 1) out.push(\`\${name(el)} text cut off (\${el.scrollWidth} > \${el.clientWidth} px wide)\`);
      if (el.scrollHeight > el.clientHeight + 1) out.push(\`\${name(el)} text spills (\${el.scrollHeight} > \${el.clientHeight} px high)\`);
      if (el.matches('.tab, .pill, .page-tools .btn-tool')) {
        const range = document.createRange();
        range.selectNodeContents(el);
        const lines = new Set([...range.getClientRects()].filter((x) => x.width > 0).map((x) => Math.round(x.top)));
        if (lines.size > 1) out.push(\`\${name(el)} wraps onto \${lines.size} lines\`);
      }
    }
    // controls sharing a bar (the same parent) must not cover each other
    const byParent = new Map();
    for (const el of controls) if (el.parentElement) byParent.set(el.parentElement, [...(byParent.get(el.parentElement) ?? []), el]);
    for (const list of byParent.values()) {
      for (let i = 0; i < list.length; i++) for (let j = i + 1; j < list.length; j++) {
        const a = list[i].getBoundingClientRect(); const b = list[j].getBoundingClientRect();
        if (a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5) out.push(\`\${name(list[i])} overlaps \${name(list[j])}\`);
      }
    }
    return out;
  }`;

export async function layoutFaults(page: Page, scope = 'body'): Promise<string[]> {
  return page.evaluate(`(${CHECK})(${JSON.stringify(scope)})`) as Promise<string[]>;
}
