/**
 * A shell command that opens `url` in the browser: `xdg-open` on Linux, `open` on macOS. The URL
 * may hold a `$(...)` that prints the token, and is double-quoted, so that zsh (macOS' shell)
 * does not take its `?` for a glob.
 *
 * @internal
 */
export function openInBrowser(url: string): string {
  return `"$(command -v xdg-open || echo open)" "${url}"`;
}

/** The sign-in step for single sign-on: open the URL, then sign in with the provider. @internal */
export function openForSignIn(url: string, provider: string): string {
  return `${openInBrowser(url)}  # then sign in with ${provider}`;
}
