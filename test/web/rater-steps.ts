import { Page } from 'playwright-core';
import { A11yAudit } from './a11y';
import { signIn } from './browser';
import { person, readScreen, VIEW_LABEL } from './flow-fixtures';
import { reportNextSetPainted } from './next-set-timing';

/**
 * Rater 1 scores both sets with mouse and typing (50/25/10/80 → 42.2), checking inline
 * validation, the live SALT, draft autosave across a reload, the enlarged view and the move
 * straight on to the next set. Returns the titles, URLs and page HTML the rater saw.
 */
export async function scoreTwoSetsWithMouse(r1: Page, a11y: A11yAudit): Promise<string[]> {
  const seen: string[] = [];
  await signIn(r1, person('rater1').email, person('rater1').password);
  const counts = r1.getByTestId('queue-counts');
  await counts.filter({ hasText: '2 left' }).waitFor();
  expect(await counts.innerText()).toMatch(/2\s*left\s*0\s*done today/);
  await a11y.capture(r1, '06-rater-queue');
  await r1.getByRole('button', { name: 'Start reading' }).click();
  await r1.waitForURL(/\/read\//);
  const first = await readScreen(r1);
  const field = (view: keyof typeof VIEW_LABEL) => r1.getByLabel(VIEW_LABEL[view], { exact: true });
  await field('top').fill('50');
  await field('back').fill('25');
  await field('left').fill('10');
  // Bad input gets an inline message, and no SALT until it is fixed.
  await field('right').fill('180');
  await r1.getByRole('button', { name: 'Submit read…' }).click();
  await r1.getByText('Must be between 0 and 100.').waitFor();
  expect(await r1.getByTestId('live-salt').innerText()).toBe('—');
  await field('right').fill('80');
  // DESIGN.md test vector: 50/25/10/80 → 42.2, computed live in the page.
  await r1.getByTestId('live-salt').filter({ hasText: '42.2' }).waitFor();
  // The draft is saved on the server: a reload loses nothing.
  await r1.getByText('Draft saved').waitFor();
  await r1.reload();
  expect(await field('right').inputValue()).toBe('80');
  expect(await field('top').inputValue()).toBe('50');
  await r1.getByTestId('live-salt').filter({ hasText: '42.2' }).waitFor();
  await a11y.capture(r1, '07-rater-scoring');
  seen.push(...(await readScreen(r1)).seen);
  // A view opens large; the wheel zooms it.
  await r1.getByRole('button', { name: 'Open Top (40%) view large' }).click();
  await r1.getByRole('group', { name: /Top \(40%\) image/ }).hover();
  await r1.mouse.wheel(0, -300);
  await r1.getByRole('group', { name: /Top \(40%\) image, (1[2-9]\d|[2-9]\d\d)% zoom/ }).waitFor();
  // Dragging pans the zoomed image.
  const image = r1.locator('.viewer-stage img');
  const stage = await r1.locator('.viewer-stage').boundingBox();
  if (!stage) throw new Error('viewer stage not laid out');
  const [cx, cy] = [stage.x + stage.width / 2, stage.y + stage.height / 2];
  const beforeDrag = await image.getAttribute('style');
  await r1.mouse.move(cx, cy);
  await r1.mouse.down();
  await r1.mouse.move(cx + 80, cy + 50, { steps: 5 });
  await r1.mouse.up();
  expect(await image.getAttribute('style')).not.toBe(beforeDrag);
  expect(await image.getAttribute('style')).toMatch(/translate\((?!0px, 0px)/);
  // Two fingers moving apart zoom further (a pinch, as on a tablet).
  const zoomOf = async () =>
    Number(
      /(\d+)% zoom/.exec((await r1.locator('.viewer-stage').getAttribute('aria-label')) ?? '')?.[1],
    );
  const beforePinch = await zoomOf();
  const cdp = await r1.context().newCDPSession(r1);
  await cdp.send('Emulation.setTouchEmulationEnabled', { enabled: true, maxTouchPoints: 2 });
  const touch = (type: 'touchStart' | 'touchMove' | 'touchEnd', spread: number) =>
    cdp.send('Input.dispatchTouchEvent', {
      type,
      touchPoints:
        type === 'touchEnd'
          ? []
          : [
              { x: cx - spread, y: cy, id: 1 },
              { x: cx + spread, y: cy, id: 2 },
            ],
    });
  await touch('touchStart', 40);
  for (const spread of [60, 80, 100, 120]) await touch('touchMove', spread);
  await touch('touchEnd', 0);
  expect(await zoomOf()).toBeGreaterThan(beforePinch);
  await a11y.capture(r1, '08-rater-view-zoomed');
  await r1.getByRole('button', { name: 'Close' }).click();
  await r1.getByRole('button', { name: 'Submit read…' }).click();
  await r1.getByRole('dialog', { name: `Sign and submit read ${first.code}?` }).waitFor();
  // The first signing of the session re-enters the password (21 CFR 11.200).
  await r1.getByLabel('Password (re-enter to sign)').fill(person('rater1').password);
  await a11y.capture(r1, '09-rater-confirm');
  await reportNextSetPainted(r1, first.code, () =>
    r1.getByRole('button', { name: 'Sign, submit and next' }).click(),
  );

  // Straight on to the next set, with a fresh form.
  await r1.waitForURL((url) => url.href !== first.seen[1]);
  await r1.locator('.read-code').filter({ hasNotText: first.code }).waitFor();
  const second = await readScreen(r1);
  expect(second.code).not.toBe(first.code);
  expect(await field('top').inputValue()).toBe('');
  expect(await r1.getByTestId('live-salt').innerText()).toBe('—');
  seen.push(...second.seen);
  for (const [view, value] of [
    ['top', '50'],
    ['back', '25'],
    ['left', '10'],
    ['right', '80'],
  ] as const) {
    await field(view).fill(value);
  }
  await r1.getByRole('button', { name: 'Submit read…' }).click();
  // A later signing in the same session: no password.
  await r1.getByRole('button', { name: 'Sign, submit and next' }).click();
  await r1.getByText('All caught up.').waitFor();
  await a11y.check(r1, '09b-rater-caught-up');
  expect(await counts.innerText()).toMatch(/0\s*left\s*2\s*done today/);
  seen.push(await r1.title(), r1.url(), await r1.content());
  return seen;
}

/** Rater 2 scores both sets by keyboard alone (10/5/15/16 → 10.8). */
export async function scoreTwoSetsByKeyboard(r2: Page, a11y: A11yAudit): Promise<string[]> {
  const seen: string[] = [];
  const k = r2.keyboard;
  await r2.goto('/login');
  // The email field has focus on arrival.
  await r2.locator('#login-email:focus').waitFor();
  await a11y.capture(r2, '00-login-1024');
  await k.type(person('rater2').email);
  await k.press('Tab');
  await k.type(person('rater2').password);
  await k.press('Enter');
  await r2.getByTestId('queue-counts').filter({ hasText: '2 left' }).waitFor();
  // The start button has focus.
  await k.press('Enter');
  await r2.waitForURL(/\/read\//);
  const codes: string[] = [];
  for (let set = 0; set < 2; set++) {
    await r2.getByTestId('live-salt').filter({ hasText: '—' }).waitFor();
    const screen = await readScreen(r2);
    expect(codes).not.toContain(screen.code);
    codes.push(screen.code);
    await k.press('1');
    await k.type('10');
    await k.press('Escape');
    await k.press('2');
    await k.type('5');
    await k.press('Escape');
    await k.press('3');
    await k.type('5');
    await k.press('Shift+ArrowUp'); // 15
    await k.press('Escape');
    await k.press('4');
    await k.type('20');
    for (let i = 0; i < 4; i++) await k.press('ArrowDown'); // 16
    // 10/5/15/16 → 10.8: discordant with 42.2 by difference and across the threshold 20.
    await r2.getByTestId('live-salt').filter({ hasText: '10.8' }).waitFor();
    expect(await r2.getByLabel(VIEW_LABEL.left, { exact: true }).inputValue()).toBe('15');
    if (set === 0) await a11y.capture(r2, '10-rater-keyboard-1024');
    seen.push(...(await readScreen(r2)).seen);
    await k.press('Enter');
    await r2.getByRole('dialog', { name: `Sign and submit read ${screen.code}?` }).waitFor();
    if (set === 0) {
      // The first signing: the password field takes the focus; Enter signs.
      await r2.locator('dialog input[type="password"]:focus').waitFor();
      await k.type(person('rater2').password);
    } else {
      await r2.locator('dialog button.primary:focus').waitFor();
    }
    await k.press('Enter');
    if (set === 0) {
      await r2.waitForURL((url) => url.href !== screen.seen[1]);
      await r2.locator('.read-code').filter({ hasNotText: screen.code }).waitFor();
    }
  }
  await r2.getByText('All caught up.').waitFor();
  seen.push(await r2.title(), r2.url(), await r2.content());
  return seen;
}
