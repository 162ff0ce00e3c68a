import { Page } from 'playwright-core';

/** In the page (a string: the test project has no DOM types): the next set is painted. */
const NEXT_SET_SHOWN = (previousCode: string) => `(() => {
  const shown = document.querySelector('.read-code')?.textContent?.trim();
  const images = [...document.querySelectorAll('img[src*="size=display"]')];
  return shown !== undefined && shown !== ${JSON.stringify(previousCode)} && images.length >= 4 &&
    images.every((image) => image.complete && image.naturalWidth > 0);
})()`;
const TWO_FRAMES =
  'new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))';

/**
 * Reports (prints, never asserts: machines are noisy) how long the rater waits after "Submit and
 * next" until the next set's four display images are painted. `submit` clicks the button; the
 * clock starts just before. Painted: a read code other than `previousCode` is shown, all four
 * display images are decoded, and two animation frames have passed.
 */
export async function reportNextSetPainted(
  page: Page,
  previousCode: string,
  submit: () => Promise<void>,
): Promise<void> {
  const started = Date.now();
  await submit();
  // Polled from here: waitForFunction evaluates a string with eval, which the app's CSP refuses.
  while (!(await page.evaluate(NEXT_SET_SHOWN(previousCode)))) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await page.evaluate(TWO_FRAMES);
  console.log(`[timing] Submit → next set's four images painted: ${Date.now() - started} ms`);
}
