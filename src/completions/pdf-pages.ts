/**
 * Counts a PDF's pages from its bytes without parsing it: every page is an object of `/Type /Page` (the page
 * tree's nodes are `/Type /Pages`). Pages stored in compressed object streams are invisible to this scan, so
 * it answers 0 then, and the caller falls back to a bound from the file's size. Only the hold uses the count;
 * a file that hides pages cannot make the account pay more than the hold (the charge is capped at it).
 */
export function countPdfPages(base64: string): number {
  const text = Buffer.from(base64, "base64").toString("latin1");
  return text.match(/\/Type\s*\/Page(?![A-Za-z])/g)?.length ?? 0;
}
