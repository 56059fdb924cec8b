// File names in an image can hold newlines, escape sequences and invalid UTF-8. In a terminal or
// a CI log they would forge lines or colours, so text output shows them escaped; JSON keeps them exact.

// C0 and C1 controls, DEL, the replacement character that stands for invalid UTF-8, and the
// characters that reorder or hide text on a terminal (bidirectional controls such as U+202E,
// zero-width marks, line and paragraph separators): a name must read as what it is.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\ufffd\u061c\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]/g;

export function printable(text: string): string {
  return text.replace(UNSAFE, (char) => {
    if (char === '\n') return '\\n';
    if (char === '\t') return '\\t';
    const code = char.charCodeAt(0);
    return code > 0xff ? `\\u${code.toString(16).padStart(4, '0')}` : `\\x${code.toString(16).padStart(2, '0')}`;
  });
}

// Not XML 1.0 characters either, even as &#...;: U+FFFE, U+FFFF and unpaired surrogates.
const NOT_XML = /[\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** XML 1.0 cannot carry most control characters even escaped: show them as text escapes. */
export function xmlText(text: string): string {
  return printable(text)
    .replace(NOT_XML, (char) => `\\u${char.charCodeAt(0).toString(16)}`)
    .replace(/[<>&"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
