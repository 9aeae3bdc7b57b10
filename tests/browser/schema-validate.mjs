// An independent check of policysite's JSON Schemas: ajv (draft 2020-12, with `format` checked by
// ajv-formats) on files parsed by the `yaml` package, the YAML library the YAML language server uses.
// Nothing here shares code with the Rust build, so a schema that drifts from the build shows up.
import { readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import YAML from 'yaml';

export const SCHEMA_FILES = {
  site: 'site.schema.json',
  frontMatter: 'front-matter.schema.json',
  revision: 'revision.schema.json',
  quiz: 'quiz.schema.json',
  platforms: 'platforms.schema.json',
  directory: 'directory.schema.json',
  request: 'account-request.schema.json',
};

/** Compile every schema of `schemaDir` in strict mode (an unknown keyword or format is an error). */
export function loadSchemas(schemaDir) {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  addFormats(ajv);
  const validators = {};
  for (const [kind, file] of Object.entries(SCHEMA_FILES)) {
    validators[kind] = ajv.compile(JSON.parse(readFileSync(join(schemaDir, file), 'utf8')));
  }
  return validators;
}

/** Which schema a site file (path relative to the site folder) answers to, or null. */
export function kindOf(rel) {
  const p = rel.split(sep).join('/');
  if (p === 'site.yaml') return 'site';
  if (p === 'data/platforms.yaml') return 'platforms';
  if (p === 'data/directory.yaml') return 'directory';
  if (/^quizzes\/[^/]+\.ya?ml$/.test(p)) return 'quiz';
  // A policy revision file (`content/<page>/YYYY-MM-DD.md`) has its own front matter.
  if (/^content\/.+\/\d{4}-\d{2}-\d{2}\.md$/.test(p)) return 'revision';
  if (/^content\/.+\.md$/.test(p)) return 'frontMatter';
  if (p.endsWith('.json')) return 'request';
  return null;
}

/** The document a file holds: YAML, the front matter of Markdown, or JSON. Throws on a syntax error. */
export function parseFile(rel, text) {
  if (rel.endsWith('.json')) return JSON.parse(text);
  if (rel.endsWith('.md')) {
    const m = /^\uFEFF?---\r?\n([\s\S]*?)^---\s*$/m.exec(text);
    if (!m) throw new Error('no front matter');
    return YAML.parse(m[1]) ?? {};
  }
  return YAML.parse(text) ?? {};
}

/** Validate one file; returns [] when it passes, otherwise readable messages. */
export function validateFile(validators, rel, text) {
  const kind = kindOf(rel);
  if (!kind) throw new Error(`no schema for ${rel}`);
  let doc;
  try {
    doc = parseFile(rel, text);
  } catch (e) {
    return [`${rel}: not parseable: ${e.message}`];
  }
  const validate = validators[kind];
  if (validate(doc)) return [];
  return validate.errors.map((e) => `${rel}: ${e.instancePath || '/'} ${e.message}${e.params?.additionalProperty ? ` (\`${e.params.additionalProperty}\`)` : ''}`);
}

/** Every file of a site folder that has a schema, as paths relative to it. */
export function schemaFilesOf(siteDir, walk) {
  return walk(siteDir).map((f) => relative(siteDir, f)).filter((rel) => kindOf(rel) && !rel.startsWith('public') && !rel.endsWith('.json'));
}
