// Fails when two folders of server/src import each other (directly or round a longer loop), or when source files
// import one another at run time in a loop. A folder is a first-level folder under server/src; each file directly in
// server/src (main.ts, app.ts, fhir-services.ts, config.ts: the composition root) counts as a folder of its own.
// Folder edges count every import a non-test source file makes: static, dynamic, `export ... from`, type-only.
// File cycles count only imports that load a module when the importer loads (static, not type-only): those decide
// initialization order. Test files (*.test.ts) are left out: nothing imports them, and they may reach across.
// Usage: node scripts/check-import-cycles.mjs [--graph]   (--graph prints the folder edges with their counts)
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SRC = join(ROOT, 'server', 'src');

// Folder imports that still close a loop, each the direction that is to go, with why. Their edges are left out
// of the folder check; a loop through any other edge fails. Empty the list as the untangling lands: an entry whose
// folders no longer import that way fails too, so the list never outlives its reason.
const ALLOWED_FOLDER_EDGES = [];

const args = new Set(process.argv.slice(2));
const files = walk(SRC).filter((f) => /\.(ts|mjs)$/.test(f) && !f.endsWith('.test.ts') && !f.endsWith('.d.ts'));
const fileSet = new Set(files);
const imports = new Map(files.map((f) => [f, importsOf(f)]));

const folderEdges = countFolderEdges();
if (args.has('--graph')) printGraph(folderEdges);
const problems = [...folderProblems(folderEdges), ...fileProblems()];
if (problems.length > 0) {
  console.error(problems.join('\n\n'));
  process.exit(1);
}
console.log(`no import cycles: ${files.length} files, ${folderNames().length} folders of server/src`);

/** Every relative import of a file, resolved to a file path, with whether it loads at run time. */
function importsOf(file) {
  const text = readFileSync(file, 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found = [];
  const add = (specifier, runtime) => {
    if (!specifier.startsWith('.')) return;
    found.push({ target: resolveSpecifier(file, specifier), runtime });
  };
  const visit = (node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      add(node.moduleSpecifier.text, !isTypeOnlyImport(node));
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      add(node.moduleSpecifier.text, !isTypeOnlyExport(node));
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [arg] = node.arguments;
      // A dynamic import loads later, on demand: a folder dependency, not an initialization-order one.
      if (arg && ts.isStringLiteral(arg)) add(arg.text, false);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      const literal = node.argument.literal;
      if (ts.isStringLiteral(literal)) add(literal.text, false);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function isTypeOnlyImport(node) {
  const clause = node.importClause;
  if (!clause) return false; // `import './x.js'` runs x
  if (clause.isTypeOnly) return true;
  if (clause.name) return false;
  const bindings = clause.namedBindings;
  return !!bindings && ts.isNamedImports(bindings) && bindings.elements.length > 0 && bindings.elements.every((e) => e.isTypeOnly);
}

function isTypeOnlyExport(node) {
  if (node.isTypeOnly) return true;
  const clause = node.exportClause;
  return !!clause && ts.isNamedExports(clause) && clause.elements.length > 0 && clause.elements.every((e) => e.isTypeOnly);
}

/** './x.js' -> x.ts (NodeNext style), './x.ts' and './x.mjs' as written, './dir' -> dir/index.ts. */
function resolveSpecifier(from, specifier) {
  const path = resolve(dirname(from), specifier);
  const candidates = [path, path.replace(/\.js$/, '.ts'), `${path}.ts`, join(path, 'index.ts')];
  return candidates.find((c) => fileSet.has(c)) ?? path;
}

/** 'store' for server/src/store/mysql/x.ts, 'app.ts' for server/src/app.ts, null outside server/src. */
function folderOf(file) {
  const rel = relative(SRC, file);
  if (rel.startsWith('..')) return null;
  return rel.split(sep)[0];
}

function folderNames() {
  return [...new Set(files.map(folderOf))].sort();
}

/** Map "a -> b" to the imports from folder a into folder b, as "file -> file" lines. */
function countFolderEdges() {
  const edges = new Map();
  for (const [file, list] of imports) {
    for (const { target } of list) {
      const from = folderOf(file);
      const to = folderOf(target);
      if (!to || from === to) continue;
      const key = `${from} -> ${to}`;
      if (!edges.has(key)) edges.set(key, []);
      edges.get(key).push(`${rel(file)} -> ${rel(target)}`);
    }
  }
  return edges;
}

function printGraph(edges) {
  for (const key of [...edges.keys()].sort()) console.log(`${key}  (${edges.get(key).length})`);
}

/** Folder cycles not on the allow-list (as strongly connected components), and allow-list entries gone stale. */
function folderProblems(edges) {
  const adjacency = new Map(folderNames().map((f) => [f, []]));
  for (const key of edges.keys()) {
    const [from, to] = key.split(' -> ');
    if (!isAllowed(from, to)) adjacency.get(from).push(to);
  }
  const problems = stronglyConnected(adjacency)
    .filter((component) => component.length > 1)
    .map((component) => {
      const inside = [...edges.entries()].filter(([key]) => {
        const [from, to] = key.split(' -> ');
        return component.includes(from) && component.includes(to) && !isAllowed(from, to);
      });
      const lines = inside.flatMap(([key, list]) => [`  ${key}:`, ...list.map((l) => `    ${l}`)]);
      return `folders import each other: ${component.join(', ')}\n${lines.join('\n')}`;
    });
  for (const [from, to] of ALLOWED_FOLDER_EDGES) {
    if (!edges.has(`${from} -> ${to}`))
      problems.push(`allow-list entry [${from}, ${to}] no longer needed: remove it from scripts/check-import-cycles.mjs`);
  }
  return problems;
}

function isAllowed(from, to) {
  return ALLOWED_FOLDER_EDGES.some(([a, b]) => a === from && b === to);
}

/** Files that load one another at run time in a loop. */
function fileProblems() {
  const adjacency = new Map(files.map((f) => [f, []]));
  for (const [file, list] of imports) {
    for (const { target, runtime } of list) if (runtime && adjacency.has(target)) adjacency.get(file).push(target);
  }
  return stronglyConnected(adjacency)
    .filter((component) => component.length > 1 || adjacency.get(component[0]).includes(component[0]))
    .map((component) => `files load each other at run time (${component.length}):\n${component.map((f) => `  ${rel(f)}`).join('\n')}`);
}

/** Tarjan's strongly connected components, iteratively (no recursion depth limit). */
function stronglyConnected(adjacency) {
  const index = new Map();
  const low = new Map();
  const onStack = new Set();
  const stack = [];
  const components = [];
  let next = 0;
  for (const start of adjacency.keys()) {
    if (index.has(start)) continue;
    const work = [[start, 0]];
    index.set(start, next);
    low.set(start, next++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const frame = work[work.length - 1];
      const [node, i] = frame;
      const targets = adjacency.get(node);
      if (i < targets.length) {
        frame[1]++;
        const target = targets[i];
        if (!index.has(target)) {
          index.set(target, next);
          low.set(target, next++);
          stack.push(target);
          onStack.add(target);
          work.push([target, 0]);
        } else if (onStack.has(target)) {
          low.set(node, Math.min(low.get(node), index.get(target)));
        }
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1][0];
        low.set(parent, Math.min(low.get(parent), low.get(node)));
      }
      if (low.get(node) === index.get(node)) {
        const component = [];
        let member;
        do {
          member = stack.pop();
          onStack.delete(member);
          component.push(member);
        } while (member !== node);
        components.push(component.sort());
      }
    }
  }
  return components;
}

function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? walk(path) : [path];
  });
}

function rel(file) {
  return relative(ROOT, file);
}
