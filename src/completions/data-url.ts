/**
 * A base64 `data:` URL (`data:application/pdf;base64,JVBERi0...`, parameters such as `;name=x.pdf` allowed)
 * split into its media type and payload; undefined for anything else. Inbound image and file parts share it.
 */
export function parseBase64DataUrl(url: string): { mediaType: string; data: string } | undefined {
  const match = /^data:([^;,]+)(?:;[^;,]+)*?;base64,(.*)$/s.exec(url);
  return match === null ? undefined : { mediaType: match[1] ?? "", data: match[2] ?? "" };
}
