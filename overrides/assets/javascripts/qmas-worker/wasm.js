// Pyodide's wasm, fetched and checked (runtime-files.js) and compiled while it streams in, from
// the start, while the loader and its big script are still being fetched and parsed, instead
// of when loadPyodide asks for it. Pyodide's own request for it is answered, without a
// request, with this module. And Pyodide, if the wasm does not compile, only logs a warning
// and waits forever: `failed` rejects instead, with the reason.
import { answerHere, fetchVerified } from "./runtime-files.js";

const REAL_INSTANTIATE_STREAMING =
  typeof WebAssembly === "object" && WebAssembly ? WebAssembly.instantiateStreaming : undefined;

// A wasm the build gzipped itself (a name ending in .gz: smaller than the host's own gzip, and
// as small on a host that does not compress .wasm) is unpacked as it streams in.
function unpacked(stream, gzipped) {
  return gzipped ? stream.pipeThrough(new DecompressionStream("gzip")) : stream;
}

function compileStreaming(stream, gzipped) {
  const body = unpacked(stream, gzipped);
  return WebAssembly.compileStreaming(new Response(body, { headers: { "Content-Type": "application/wasm" } }));
}

async function compileBytes(bytes, gzipped) {
  return WebAssembly.compile(gzipped ? await new Response(unpacked(new Blob([bytes]).stream(), true)).arrayBuffer() : bytes);
}

// `url`: what is fetched; `answers`: the URL Pyodide asks for (its pyodide.asm.wasm).
// Returns {failed, restore}; `done(stage)` is told when the module is compiled.
export function loadWasm(url, expected, options, done = () => {}, answers = url) {
  const name = url.split("/").pop();
  const gzipped = name.endsWith(".gz");
  if (gzipped && typeof DecompressionStream !== "function") {
    const error = new Error("this browser is too old for the calculator (it needs Chrome 80, Firefox 113, Safari 16.4 or later)");
    return { failed: Promise.reject(error), restore() {} };
  }
  const streaming = typeof WebAssembly.compileStreaming === "function";
  const consume = streaming ? (stream) => compileStreaming(stream, gzipped) : undefined;
  const module = fetchVerified(url, expected, { ...options, consume })
    .then(({ bytes, consumed }) =>
      (consumed || compileBytes(bytes, gzipped)).catch((error) => {
        throw new Error(`${name} could not be loaded: ${error.message || error}`);
      }))
    .then((compiled) => {
      done("wasm_done");
      return compiled;
    });
  let report;
  const failed = new Promise((_, reject) => {
    report = reject;
  });
  module.catch(report);
  const forget = answerHere(answers, null);
  WebAssembly.instantiateStreaming = async (source, imports) => {
    try {
      const compiled = await module;
      return { module: compiled, instance: await WebAssembly.instantiate(compiled, imports) };
    } catch (error) {
      report(error);
      throw error;
    }
  };
  return {
    failed,
    restore() {
      forget();
      WebAssembly.instantiateStreaming = REAL_INSTANTIATE_STREAMING;
    },
  };
}
