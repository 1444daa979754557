// The manifest fields shared/contract.json owns, and how package.json differs from them.
// Pure functions, used by sync-contract.mjs and by the unit tests.

/** The manifest fields the contract owns, computed from the contract alone. */
export function expectedManifest(contract) {
  const category = contract.extension.commandCategory;
  const properties = {};
  for (const s of contract.settings) {
    const p = { type: s.type, default: s.default, scope: s.scope };
    if (s.items) p.items = s.items;
    if (s.enum) p.enum = s.enum;
    p.description = s.description;
    properties[s.name] = p;
  }
  const views = {};
  for (const v of contract.views ?? []) (views[v.container] ??= []).push({ id: v.id, name: v.name });
  return {
    name: contract.extension.name,
    publisher: contract.extension.publisher,
    displayName: contract.extension.displayName,
    contributes: {
      commands: contract.paletteCommands.map((c) => ({ command: c.id, title: c.title, category })),
      configuration: { title: contract.extension.displayName, properties },
      views,
    },
  };
}

/** Every difference between package.json and the contract, as readable lines (empty when in step). */
export function manifestDrift(pkg, contract) {
  const want = expectedManifest(contract);
  const problems = [];
  for (const key of ['name', 'publisher', 'displayName']) {
    if (pkg[key] !== want[key]) problems.push(`${key}: package.json has ${JSON.stringify(pkg[key])}, contract says ${JSON.stringify(want[key])}`);
  }
  const have = pkg.contributes ?? {};
  const haveCommands = new Map((have.commands ?? []).map((c) => [c.command, c]));
  const wantCommands = new Map(want.contributes.commands.map((c) => [c.command, c]));
  for (const [id, c] of wantCommands) {
    const h = haveCommands.get(id);
    if (!h) problems.push(`command ${id} is missing from contributes.commands`);
    else if (h.title !== c.title || h.category !== c.category) {
      problems.push(`command ${id}: package.json has "${h.category}: ${h.title}", contract says "${c.category}: ${c.title}"`);
    }
  }
  for (const id of haveCommands.keys()) {
    if (!wantCommands.has(id)) problems.push(`command ${id} is contributed but not in the contract's paletteCommands`);
  }
  // vscode-languageclient registers the server's commands itself; contributing one too breaks activation.
  for (const c of contract.serverCommands) {
    if (haveCommands.has(c.id)) problems.push(`server command ${c.id} must not be contributed as a palette command`);
  }
  const haveProps = have.configuration?.properties ?? {};
  const wantProps = want.contributes.configuration.properties;
  for (const [name, p] of Object.entries(wantProps)) {
    if (!(name in haveProps)) problems.push(`setting ${name} is missing from contributes.configuration`);
    else if (JSON.stringify(haveProps[name]) !== JSON.stringify(p)) {
      problems.push(`setting ${name}: package.json has ${JSON.stringify(haveProps[name])}, contract says ${JSON.stringify(p)}`);
    }
  }
  for (const name of Object.keys(haveProps)) {
    if (!(name in wantProps)) problems.push(`setting ${name} is contributed but not in the contract's settings`);
  }
  if (JSON.stringify(have.views ?? {}) !== JSON.stringify(want.contributes.views)) {
    problems.push(`contributes.views: package.json has ${JSON.stringify(have.views ?? {})}, contract says ${JSON.stringify(want.contributes.views)}`);
  }
  if (have.configuration?.title !== want.contributes.configuration.title) {
    problems.push(`contributes.configuration.title should be ${JSON.stringify(want.contributes.configuration.title)}`);
  }
  return problems;
}

/** package.json with the contract's fields written in, every other field kept in place. */
export function applyContract(pkg, contract) {
  const want = expectedManifest(contract);
  return {
    ...pkg,
    name: want.name,
    publisher: want.publisher,
    displayName: want.displayName,
    contributes: {
      ...(pkg.contributes ?? {}),
      commands: want.contributes.commands,
      configuration: want.contributes.configuration,
      views: want.contributes.views,
    },
  };
}
