import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Page } from 'playwright-core';
import { screenshot } from './browser';

// axe-core's browser build, evaluated in the page over the DevTools protocol: the app's CSP
// (script-src 'self') would block it as a <script> tag, and the test must not loosen the CSP.
const AXE_SOURCE = readFileSync(join(dirname(require.resolve('axe-core')), 'axe.min.js'), 'utf8');

export type Impact = 'critical' | 'serious' | 'moderate' | 'minor';

export interface A11yFinding {
  /** The screen, as named in the flow (also the screenshot's name). */
  screen: string;
  path: string;
  rule: string;
  impact: Impact | 'needs review';
  help: string;
  targets: string[];
}

interface AxeSummary {
  violations: { id: string; impact: Impact | null; help: string; targets: string[] }[];
  dangling: { id: string; help: string; targets: string[] }[];
}

// Evaluated in the page (this file is compiled without DOM types). Besides axe's violations it
// keeps one kind of "needs review" result: an aria-describedby/-labelledby naming an id that is
// not in the document, which axe cannot call a violation but a screen reader silently drops.
const RUN_AXE = `(async () => {
  const results = await axe.run(document, { resultTypes: ['violations', 'incomplete'] });
  const targets = (nodes) => nodes.map((node) => node.target.join(' '));
  return {
    violations: results.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help, targets: targets(v.nodes),
    })),
    dangling: results.incomplete
      .filter((r) => r.id === 'aria-valid-attr-value')
      .map((r) => ({ id: r.id, help: r.help, targets: targets(r.nodes) })),
  };
})()`;

/**
 * axe-core over every screen the browser test reaches, signed in as whoever is there. Findings
 * are collected so one run reports every screen's problems at once.
 */
export class A11yAudit {
  readonly findings: A11yFinding[] = [];
  readonly screens: string[] = [];

  /** Runs axe on the page as it is now and records what it finds. */
  async check(page: Page, screen: string): Promise<void> {
    const loaded = await page.evaluate('typeof window.axe === "object"');
    if (!loaded) await page.evaluate(AXE_SOURCE);
    const summary = await page.evaluate<AxeSummary>(RUN_AXE);
    const path = new URL(page.url()).pathname;
    this.screens.push(screen);
    for (const v of summary.violations) {
      const impact = v.impact ?? 'minor';
      this.findings.push({ screen, path, rule: v.id, impact, help: v.help, targets: v.targets });
    }
    for (const d of summary.dangling) {
      const impact = 'needs review';
      this.findings.push({ screen, path, rule: d.id, impact, help: d.help, targets: d.targets });
    }
  }

  /** A screenshot for people and an axe run for the test, of the same moment. */
  async capture(page: Page, screen: string): Promise<void> {
    await screenshot(page, screen);
    await this.check(page, screen);
  }

  /** One line per rule and screen, e.g. "serious color-contrast on 13-auditor-trail (/audit): …". */
  report(): string[] {
    return this.findings.map(
      (f) =>
        `${f.impact} ${f.rule} on ${f.screen} (${f.path}): ${f.help} [${f.targets.join(', ')}]`,
    );
  }
}
