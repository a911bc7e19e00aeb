// The dictionary's two parts: everything a participant's phone can show is in the phone part
// bundled with it (shared/i18n/sv.ts, en.ts); what only staff pages show waits in the staff part
// (sv-staff.ts, en-staff.ts), which the client loads on demand.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sv } from '../shared/i18n/sv.ts';
import { svStaff } from '../shared/i18n/sv-staff.ts';
import { en } from '../shared/i18n/en.ts';
import { enStaff } from '../shared/i18n/en-staff.ts';
import { Command } from '../shared/schema.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PHONE = new Set(Object.keys(sv));
const ALL = new Set([...PHONE, ...Object.keys(svStaff)]);
/** Command types: names on the wire, never shown, though some are spelled like a key ('timer.start'). */
const COMMAND_TYPES = new Set(Command.options.map((option) => option.entries.type.literal as string));

/** `import x from './y'`, `import './y'`, `export … from './y'`: not `import type`, not `import()`. */
const STATIC_IMPORT = /^\s*(?:import|export)\s+(?!type\b)(?:[^'"]*?\sfrom\s+)?['"](\.[^'"]+)['"]/gm;

/** The project's files a page loads before any `import()`: its entry and what that imports. */
function staticGraph(entry: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const [, path] of readFileSync(file, 'utf8').matchAll(STATIC_IMPORT)) {
      const target = resolve(dirname(file), path);
      if (/\.(ts|js|svelte)$/.test(target)) {
        assert.ok(existsSync(target), `${relative(ROOT, file)} imports ${path}, which is not there`);
        visit(target);
      }
    }
  };
  visit(resolve(ROOT, entry));
  return [...seen].map((file) => relative(ROOT, file).replaceAll('\\', '/'));
}

/**
 * The keys a file can show, by where they appear: a key in quotes anywhere (`t('a.b')`,
 * `t(x ? 'a.b' : 'a.c')`, `{ key: 'timer.started' }`), except a command or event type that happens
 * to be spelled like one (`type: 'timer.start'`, `case 'voting.close':`, a set of command types);
 * and for
 * t(`prefix.${…}`) or i18n.text(`prefix.${…}`), every key with that prefix.
 */
function keysUsed(text: string, file: string): Map<string, string> {
  const used = new Map<string, string>();
  const quoted = /(\btype\s*(?::|===?|!==)\s*|\bcase\s+)?(['"`])([a-zA-Z][\w-]*\.[\w.-]+)\2/g;
  for (const [, discriminant, , key] of text.matchAll(quoted))
    if (!discriminant && ALL.has(key) && !COMMAND_TYPES.has(key)) used.set(key, file);
  for (const [, prefix] of text.matchAll(/(?:\bt|\.text)\(\s*`([^`$]*)\$\{/g)) {
    const matching = [...ALL].filter((key) => key.startsWith(prefix));
    assert.ok(prefix && matching.length > 0, `${file}: t(\`${prefix}\${…}\`) names no key`);
    for (const key of matching) used.set(key, `${file} (t(\`${prefix}\${…}\`))`);
  }
  for (const [, , key] of text.matchAll(/(?:\bt|\.text)\(\s*(['"])([^'"]*)\1/g))
    assert.ok(ALL.has(key), `${file}: t('${key}') is no key`);
  return used;
}

const phone = suite("the participant's phone");
const graph = staticGraph('client/src/main.ts');

phone('the walk reaches the participant page and stops at the lazily loaded views', () => {
  for (const file of ['client/src/views/Participant.svelte', 'client/src/lib/workshop.svelte.ts', 'client/src/lib/timer.ts'])
    assert.ok(graph.includes(file), file);
  for (const view of ['Create', 'Facilitator', 'Projector', 'Accessibility'])
    assert.not.ok(graph.includes(`client/src/views/${view}.svelte`), view);
});

phone('bundles only the Swedish phone part of the dictionary', () => {
  const dictionaries = graph.filter((file) => file.startsWith('shared/i18n/'));
  assert.equal(dictionaries, ['shared/i18n/sv.ts']);
});

phone('every key its pages can show is in the phone part', () => {
  const used = new Map<string, string>();
  for (const file of graph.filter((f) => !f.startsWith('shared/i18n/')))
    for (const [key, where] of keysUsed(readFileSync(resolve(ROOT, file), 'utf8'), file)) used.set(key, where);
  const staff = [...used].filter(([key]) => !PHONE.has(key)).map(([key, where]) => `${key} in ${where}`);
  assert.equal(staff, [], `staff keys on the phone: move them to shared/i18n/sv.ts and en.ts\n  ${staff.join('\n  ')}`);
  assert.ok(used.size > 150, `only ${used.size} keys found: is the walk broken?`);
});

phone.run();

const parts = suite('the two parts');

// That English has the same keys as Swedish in each part is checked in core.test.ts.
parts('share no key, in either language', () => {
  assert.equal(Object.keys(svStaff).filter((key) => PHONE.has(key)), []);
  assert.equal(Object.keys(enStaff).filter((key) => key in en), []);
});

parts.run();
