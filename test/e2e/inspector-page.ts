import type { Browser, Page } from "playwright-core";
import { problemsOf } from "./browser";

/** The inspector page driven as a person would: signed in, an actor picked by name and key. */

/** A fresh context's page on the inspector, `confirm()` answered yes (each question kept in `dialogs`). */
export async function openInspector(
  browser: Browser,
  url: string,
  viewport = { width: 1280, height: 800 },
): Promise<{ page: Page; problems: string[]; dialogs: string[] }> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const problems = problemsOf(page);
  const dialogs: string[] = [];
  page.on("dialog", (dialog) => {
    dialogs.push(dialog.message());
    void dialog.accept();
  });
  await page.goto(`${url}/registry/inspector`);
  return { page, problems, dialogs };
}

export async function signIn(page: Page, token: string): Promise<void> {
  await page.getByLabel("Inspector token").fill(token);
  await page.getByRole("button", { name: "Sign in" }).click();
}

export async function pick(page: Page, name: string, key: string): Promise<void> {
  await page.getByLabel("Name").selectOption(name);
  await page.getByLabel("or id").fill("");
  await page.getByLabel("Key (text, or a JSON array)").fill(key);
  await page.getByRole("button", { name: "Inspect" }).click();
}

/** Calls an action from the page with JSON arguments. */
export async function callFromPage(page: Page, action: string, args: string): Promise<void> {
  await page.getByLabel("Action", { exact: true }).fill(action);
  await page.getByLabel("Arguments (a JSON array)").fill(args);
  await page.getByRole("button", { name: "Call" }).click();
}

/** The state tree's leaves as `name: value` lines. */
export const leaves = (page: Page) => page.locator("#state-tree .leaf").allTextContents();
export const status = (page: Page) => page.getByRole("status").textContent();

/**
 * Problems besides the refusals the tests provoke (a wrong token: 401, a throwing action: 400),
 * which Chromium logs as failed loads.
 */
export const unexpected = (problems: string[]) =>
  problems.filter((problem) => !/Failed to load resource: the server responded with a status of 40[01]/.test(problem));
