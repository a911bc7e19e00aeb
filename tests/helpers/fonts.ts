// A machine with other fonts, made on this one: a fontconfig setup that offers a program (Chromium,
// LibreOffice) one family only, for every family a page or document asks for. Printing and Word
// layout must not depend on the fonts a reader has (a print test once passed with one font set and
// failed by 1 px with DejaVu), so those tests run once per family.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface FontSet {
  family: string;
  /** Where Debian's package puts it, and its regular face there. */
  dir: string;
  regular: string;
  /** The Debian package that has it. */
  pkg: string;
}

/** DejaVu Sans, wide (Debian's default sans-serif), and Liberation Sans, with Arial's metrics. */
export const FONT_SETS: FontSet[] = [
  { family: 'DejaVu Sans', dir: '/usr/share/fonts/truetype/dejavu', regular: 'DejaVuSans.ttf', pkg: 'fonts-dejavu-core' },
  { family: 'Liberation Sans', dir: '/usr/share/fonts/truetype/liberation', regular: 'LiberationSans-Regular.ttf', pkg: 'fonts-liberation' },
];

/** A short name for files: "dejavu-sans". */
export const fontSlug = (font: FontSet) => font.family.toLowerCase().replace(/\s+/g, '-');

/** Why a font set cannot be used here, or null. */
export function fontMissing(font: FontSet): string | null {
  const file = join(font.dir, font.regular);
  return existsSync(file) ? null : `${file} is missing (apt-get install ${font.pkg})`;
}

/**
 * The environment for a program that is to see only `font`: a fonts.conf in `dir` listing that
 * one folder and giving that family for whatever family is asked for (Calibri, Segoe UI, serif).
 */
export function onlyFont(font: FontSet, dir: string): NodeJS.ProcessEnv {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'fonts.conf');
  writeFileSync(
    file,
    `<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig>
  <dir>${font.dir}</dir>
  <cachedir>${join(dir, 'cache')}</cachedir>
  <match target="pattern">
    <edit name="family" mode="assign" binding="strong"><string>${font.family}</string></edit>
  </match>
</fontconfig>
`,
  );
  return { ...process.env, FONTCONFIG_FILE: file };
}
