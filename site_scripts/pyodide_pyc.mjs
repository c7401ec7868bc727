// Precompile Python to .pyc with Pyodide itself (run under Node at build time).
//
//   node site_scripts/pyodide_pyc.mjs <pyodide dir> <python_stdlib.zip> <out.zip> [tag]
//       the whole stdlib, every .py replaced by its .pyc (python_stdlib_pyc.zip)
//
//   node site_scripts/pyodide_pyc.mjs --bundle <job.json>
//       the calculator's bundle: only the stdlib modules the core needs, plus the core
//       itself, all precompiled, in one zip the worker passes to loadPyodide as its stdlib
//       (site_scripts/pyodide_files.build_bundle writes the job; see there).
//
// Pyodide imports its stdlib from a zip, where CPython cannot cache bytecode, so every start
// compiles each imported module from source. A .pyc in the zip is loaded as is (zipimport
// loads sourceless .pyc). It must be compiled by the very interpreter that will load it
// (3.14 here, not the host's), hence Pyodide under Node.
//
// Output is reproducible: unchecked-hash .pyc (no timestamps), sorted entries, fixed zip
// dates. Code objects keep the file names they have when imported from source
// (/lib/python3XY.zip/<name>.py), so tracebacks read the same (minus source lines).
// `tag` is stored as the zip comment (the caller keys its cache on it).
//
// Needs Node >= 18 (tested with 20) and the npm pyodide package; no network.

import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const args = process.argv.slice(2);

// env: e.g. {PYTHONNODEBUGRANGES: "1"}, read by the interpreter as it starts (compile() then
// leaves out column positions, as python -X no_debug_ranges).
async function startPyodide(pyodideDir, env = {}) {
  const { loadPyodide } = await import(pathToFileURL(resolve(pyodideDir, "pyodide.mjs")).href);
  return loadPyodide({ indexURL: resolve(pyodideDir) + "/", packages: [], stdout: () => {}, env });
}

// Python helpers, defined only after the trace (they import zipfile, py_compile, ...).
const WRITER = `
import py_compile, sys, zipfile

STDLIB_PREFIX = next(p for p in sys.path if p.endswith(".zip")) + "/"

def _without_docstrings(data, name):
    """The module's code with its docstrings removed, as python -OO does (the standard library
    works that way; __doc__ is None) but keeping asserts. Line numbers are unchanged."""
    import ast
    tree = ast.parse(data, name)
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                    and isinstance(body[0].value.value, str):
                doc = body.pop(0)
                if not body:
                    body.append(ast.copy_location(ast.Pass(), doc))
    return tree

def _one_line_each(code):
    """The code object and those nested in it with a line table that puts every instruction
    on the first line of its function (or class, or module): a traceback through them names
    the function and its first line. The table's entries (CPython's Objects/locations.md):
    "no columns" (code 13), up to 8 code units each, line delta 0."""
    consts = tuple(_one_line_each(c) if isinstance(c, type(code)) else c for c in code.co_consts)
    units = len(code.co_code) // 2
    table = bytearray()
    for start in range(0, units, 8):
        table += bytes((0x80 | 13 << 3 | (min(8, units - start) - 1), 0))
    return code.replace(co_linetable=bytes(table), co_consts=consts)

def _compiled(name, data, strip=False, one_line=False):
    if strip:
        import importlib._bootstrap_external as external, marshal
        code = compile(_without_docstrings(data, name), STDLIB_PREFIX + name, "exec", dont_inherit=True)
        if one_line:
            code = _one_line_each(code)
        return bytes(external._code_to_hash_pyc(code, b"\\0" * 8, checked=False))
    with open("/tmp/module.py", "wb") as f:
        f.write(data)
    py_compile.compile("/tmp/module.py", cfile="/tmp/module.pyc", dfile=STDLIB_PREFIX + name,
                       doraise=True, invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
    with open("/tmp/module.pyc", "rb") as f:
        return f.read()

def write_zip(out, entries, comment, stored=False):
    """entries: {name: (bytes, compile)}; .py files with compile=True (or "strip": without
    docstrings; "one line": also with one line per function) are written as .pyc.
    stored=True: no compression inside (the caller compresses the whole file)."""
    compiled = copied = 0
    with zipfile.ZipFile(out, "w") as zout:
        for name in sorted(entries):
            data, source = entries[name]
            if source and name.endswith(".py"):
                data, name = _compiled(name, data, source in ("strip", "one line"), source == "one line"), name + "c"
                compiled += 1
            else:
                copied += 1
            entry = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            entry.external_attr = 0o644 << 16
            entry.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            zout.writestr(entry, data, compresslevel=None if stored else 9)
        zout.comment = comment.encode()
    return compiled, copied

def pyc_choice(sources, budget, strip=False):
    """Which modules to precompile when the .pyc may add at most \`budget\` compressed bytes
    over the sources: those with the most syntax (compile time) per extra byte first."""
    import ast, zlib
    ranked = []
    for name, data in sources.items():
        try:
            nodes = sum(1 for _ in ast.walk(ast.parse(data)))
        except SyntaxError:
            continue
        extra = max(1, len(zlib.compress(_compiled(name, data, strip), 9)) - len(zlib.compress(data, 9)))
        ranked.append((-nodes / extra, name, extra))
    chosen, spent = set(), 0
    for _, name, extra in sorted(ranked):
        if spent + extra <= budget:
            chosen.add(name)
            spent += extra
    return chosen
`;

async function wholeStdlib([pyodideDir, input, output, tag = ""]) {
  const pyodide = await startPyodide(pyodideDir);
  pyodide.runPython(WRITER);
  pyodide.FS.writeFile("/tmp/stdlib-in.zip", readFileSync(input));
  pyodide.globals.set("ZIP_COMMENT", tag);
  const summary = pyodide.runPython(`
with zipfile.ZipFile("/tmp/stdlib-in.zip") as zin:
    entries = {i.filename: (zin.read(i), True) for i in zin.infolist() if not i.filename.endswith("/")}
compiled, copied = write_zip("/tmp/stdlib-out.zip", entries, ZIP_COMMENT)
f"{compiled} modules compiled, {copied} other entries kept (Python {sys.version.split()[0]})"
`);
  writeFileSync(output, pyodide.FS.readFile("/tmp/stdlib-out.zip"));
  console.log(summary);
}

// job: {pyodide_dir, stdlib_zip, wheel, probe, imports: [module names], out_zip, tag,
//       modules: [paths of .py files added at the top level],
//       compile: "all" | "none" | "budget", pyc_budget: bytes, stored: bool}
//   compile: which stdlib modules become .pyc ("budget": the most compile time saved per
//   byte, within pyc_budget extra compressed bytes); the core is always precompiled.
//   stored: no compression inside the zip (the caller gzips the whole bundle).
//   strip_docstrings: the precompiled stdlib and core modules without docstrings (as -OO;
//   asserts kept).
//   stdlib_line_numbers: false (with strip_docstrings): the stdlib with one line per function (its
//   first: a traceback still names each function and where it starts; the core keeps its lines).
//   debug_ranges: false: every .pyc without column positions (as -X no_debug_ranges: a third
//   smaller gzipped; tracebacks keep their line numbers, lose only the ^^^ markers).
async function bundle(jobPath) {
  const job = JSON.parse(readFileSync(jobPath, "utf-8"));
  const pyodide = await startPyodide(job.pyodide_dir, job.debug_ranges === false ? { PYTHONNODEBUGRANGES: "1" } : {});
  pyodide.FS.writeFile("/tmp/core.whl", readFileSync(job.wheel));
  // 1. The trace: what the worker does, then the core's own import statements. Nothing
  //    else may be imported before sys.modules is read (it would land in the bundle).
  pyodide.runPython(`import sys; sys.path.insert(0, "/tmp/core.whl")`);
  pyodide.pyimport("qmas_core");
  pyodide.runPython(readFileSync(job.probe, "utf-8"));
  try {
    pyodide.runPython("raise ValueError('a Python error crossing into JavaScript')");
  } catch (error) {
    void error.message; // the worker formats such errors: the traceback machinery is needed
  }
  pyodide.globals.set("CORE_IMPORTS", pyodide.toPy(job.imports || []));
  const traced = pyodide.runPython(`
def _traced():
    import importlib
    for name in CORE_IMPORTS:
        try:
            importlib.import_module(name)
        except Exception:
            pass
    prefix = next(p for p in sys.path if p.endswith(".zip") and p.startswith("/lib/")) + "/"
    found = set()
    for module in list(sys.modules.values()):
        spec = getattr(module, "__spec__", None)
        origin = getattr(spec, "origin", None) or ""
        if origin.startswith(prefix):
            found.add(origin[len(prefix):])
    return sorted(found)
_traced()
`).toJs();
  // 2. Write the bundle: those stdlib modules and the whole core (minus its .dist-info).
  pyodide.runPython(WRITER);
  pyodide.FS.writeFile("/tmp/stdlib-in.zip", readFileSync(job.stdlib_zip));
  pyodide.globals.set("TRACED", pyodide.toPy(traced));
  pyodide.globals.set("ZIP_COMMENT", job.tag || "");
  pyodide.globals.set("COMPILE", job.compile || "all");
  pyodide.globals.set("PYC_BUDGET", job.pyc_budget || 0);
  pyodide.globals.set("STORED", Boolean(job.stored));
  pyodide.globals.set("STRIP", Boolean(job.strip_docstrings));
  pyodide.globals.set("LINE_NUMBERS", job.stdlib_line_numbers !== false);
  // The worker's own modules, at the top level of the bundle.
  pyodide.globals.set("MODULES", pyodide.toPy(Object.fromEntries(
    (job.modules || []).map((path) => [path.split(/[\\/]/).pop(), readFileSync(path, "utf-8")]))));
  const summary = pyodide.runPython(`
import json
entries = {}
with zipfile.ZipFile("/tmp/stdlib-in.zip") as zin:
    names = set(zin.namelist())
    sources = {name: zin.read(name) for name in TRACED if name in names}
if COMPILE == "all":
    chosen = set(sources)
elif COMPILE == "budget":
    chosen = pyc_choice({n: d for n, d in sources.items() if n.endswith(".py")}, PYC_BUDGET, STRIP)
else:
    chosen = set()
for name, data in sources.items():
    entries[name] = (data, (("strip" if LINE_NUMBERS else "one line") if STRIP else True) if name in chosen else False)
for name, source in MODULES.items():
    entries[name] = (source.encode(), True)
with zipfile.ZipFile("/tmp/core.whl") as whl:
    for info in whl.infolist():
        top = info.filename.split("/", 1)[0]
        if info.filename.endswith("/") or top.endswith((".dist-info", ".data")):
            continue
        if info.filename in entries:
            raise SystemExit(f"{info.filename} is in both the wheel and the stdlib")
        entries[info.filename] = (whl.read(info), "strip" if STRIP else True)
compiled, copied = write_zip("/tmp/bundle.zip", entries, ZIP_COMMENT, STORED)
json.dumps({"stdlib_modules": sorted(sources), "stdlib_compiled": sorted(chosen), "compiled": compiled,
            "copied": copied, "python": sys.version.split()[0]})
`);
  writeFileSync(job.out_zip, pyodide.FS.readFile("/tmp/bundle.zip"));
  console.log(summary);
}

if (args[0] === "--bundle" && args[1]) {
  await bundle(args[1]);
} else if (args.length >= 3) {
  await wholeStdlib(args);
} else {
  console.error(
    "usage: node pyodide_pyc.mjs <pyodide dir> <python_stdlib.zip> <out.zip> [tag]\n" +
      "       node pyodide_pyc.mjs --bundle <job.json>",
  );
  process.exit(2);
}
