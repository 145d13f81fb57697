// Piquet's import boundaries, checked by lint (README, Development decisions):
// - a lib is reached from outside it only through its alias (`#strikes/…`), never `../../libs/…`;
// - libs never import apps; an app never imports another app (tests and benches may use the sandbox);
// - the web app reaches libs only through its own `@libs` alias (browser-safe code).
import path from 'node:path';

const root = path.dirname(path.dirname(new URL(import.meta.url).pathname));

function unitOf(rel) {
  const [top, name] = rel.split(path.sep);
  if (top === 'libs' || top === 'apps') return { top, name };
  return { top, name: null };
}

const rule = {
  meta: { type: 'problem', schema: [], messages: { alias: "Import lib '{{lib}}' through its alias: '#{{lib}}/{{rest}}'.", libToApp: 'A lib never imports an app ({{target}}).', appToApp: "App '{{from}}' never imports app '{{to}}'." } },
  create(context) {
    const file = context.filename;
    const from = unitOf(path.relative(root, file));
    const check = (node) => {
      const spec = node.source && node.source.value;
      if (typeof spec !== 'string' || !spec.startsWith('.')) return;
      const rel = path.relative(root, path.resolve(path.dirname(file), spec));
      const to = unitOf(rel);
      if (to.top === 'libs' && !(from.top === 'libs' && from.name === to.name)) {
        if (from.top === 'apps' && from.name === 'web') return;
        const rest = rel.split(path.sep).slice(2).join('/');
        context.report({ node: node.source, messageId: 'alias', data: { lib: to.name, rest } });
      } else if (to.top === 'apps' && from.top === 'libs') {
        context.report({ node: node.source, messageId: 'libToApp', data: { target: rel } });
      } else if (to.top === 'apps' && from.top === 'apps' && to.name !== from.name) {
        context.report({ node: node.source, messageId: 'appToApp', data: { from: from.name, to: to.name } });
      }
    };
    return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check, ImportExpression: check };
  },
};

export default { rules: { imports: rule } };
