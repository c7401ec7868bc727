// Precompile Pyodide's standard library to .pyc, with Pyodide itself.
//
//   node site_scripts/pyodide_pyc.mjs <pyodide dir> <python_stdlib.zip> <out.zip> [tag]
//
// Pyodide imports its stdlib from a zip, where CPython cannot cache bytecode,
// so every start compiles each imported module from source. This writes a zip
// with every .py replaced by its .pyc (same directory layout; zipimport loads
// sourceless .pyc), compiled by the very interpreter that will load it (the
// bytecode must match the Python version exactly: 3.14 here, not the host's).
// Pass the result to loadPyodide as `stdLibURL`.
//
// Output is reproducible: unchecked-hash .pyc (no timestamps), fixed zip dates.
// Code objects keep the file names they have when imported from source
// (/lib/python3XY.zip/<name>.py), so tracebacks read the same (minus source lines).
// `tag` is stored as the zip comment (site_scripts/pyodide_files.py puts the
// source zip's sha256 there to skip recompiling an unchanged stdlib).
//
// Needs Node >= 18 (tested with 20) and the npm pyodide package; no network.

import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const [pyodideDir, input, output, tag = ""] = process.argv.slice(2);
if (!pyodideDir || !input || !output) {
  console.error("usage: node pyodide_pyc.mjs <pyodide dir> <python_stdlib.zip> <out.zip> [tag]");
  process.exit(2);
}

const { loadPyodide } = await import(pathToFileURL(resolve(pyodideDir, "pyodide.mjs")).href);
const pyodide = await loadPyodide({
  indexURL: resolve(pyodideDir) + "/",
  packages: [],
  stdout: () => {},
});
pyodide.FS.writeFile("/tmp/stdlib-in.zip", readFileSync(input));
pyodide.globals.set("ZIP_COMMENT", tag);
const summary = pyodide.runPython(`
import py_compile, sys, zipfile

prefix = next(p for p in sys.path if p.endswith(".zip")) + "/"
compiled = copied = 0
with zipfile.ZipFile("/tmp/stdlib-in.zip") as zin, zipfile.ZipFile("/tmp/stdlib-out.zip", "w") as zout:
    for info in zin.infolist():
        data = zin.read(info)
        name = info.filename
        if name.endswith(".py"):
            with open("/tmp/module.py", "wb") as f:
                f.write(data)
            py_compile.compile(
                "/tmp/module.py",
                cfile="/tmp/module.pyc",
                dfile=prefix + name,
                doraise=True,
                invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
            )
            with open("/tmp/module.pyc", "rb") as f:
                data = f.read()
            name += "c"
            compiled += 1
        else:
            copied += 1
        entry = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
        entry.external_attr = info.external_attr
        entry.compress_type = zipfile.ZIP_STORED if name.endswith("/") else zipfile.ZIP_DEFLATED
        zout.writestr(entry, data)
    zout.comment = ZIP_COMMENT.encode()
f"{compiled} modules compiled, {copied} other entries kept (Python {sys.version.split()[0]})"
`);
writeFileSync(output, pyodide.FS.readFile("/tmp/stdlib-out.zip"));
console.log(summary);
