// Makes the single-executable runtime carry its own C library (README, "The binary"): the build
// machine's loader and the libraries `ldd` lists are appended to the file, the runtime's PT_INTERP
// program header becomes a PT_LOAD mapping the launcher (build/launcher/) below the
// runtime's first segment, and e_entry points at it. Nothing of the runtime is copied or moved: the
// bundled loader maps this same file as its program, and the launcher then jumps to the runtime's
// own entry point.
//
// Every assumption this relies on is checked here, so a Node release that breaks one fails the
// build with the reason instead of producing a binary that crashes on the target.
import { execFileSync } from 'node:child_process';
import { readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

// Where the launcher is mapped: below the runtime (linked at 0x400000) and above the lowest address
// a kernel lets a program map (vm.mmap_min_addr, 64 KiB by default).
const LAUNCHER_ADDRESS = 0x3f0000;
const MIN_MAPPABLE = 0x10000;
const PAGE = 0x1000;
// Linux 3.10: the oldest kernel libuv (the runtime's event loop) supports; CentOS 7 runs it.
const MIN_KERNEL = { major: 3, minor: 10 };
const MAX_FILES = 12;
const NAME_BYTES = 48;
const CONFIG_MAGIC = 0x31484e4c41504dn; // "MPALNH1", to recognise the block in a dump

const ET_EXEC = 2;
const EM_X86_64 = 62;
const PT_LOAD = 1;
const PT_INTERP = 3;
const PF_X = 1;
const PF_R = 4;

export class BuildAssumptionError extends Error {}

function assume(condition, message) {
  if (!condition) throw new BuildAssumptionError(`self-contained build: ${message}`);
}

/** The ELF header fields and program headers this build reads and rewrites. */
function readElf(image) {
  assume(image.readUInt32BE(0) === 0x7f454c46 && image[4] === 2 && image[5] === 1, 'the runtime is not a 64-bit little-endian ELF file');
  const header = {
    type: image.readUInt16LE(16),
    machine: image.readUInt16LE(18),
    entry: image.readBigUInt64LE(24),
    phoff: Number(image.readBigUInt64LE(32)),
    phentsize: image.readUInt16LE(54),
    phnum: image.readUInt16LE(56),
  };
  const segments = [];
  for (let i = 0; i < header.phnum; i++) {
    const at = header.phoff + i * header.phentsize;
    segments.push({
      at,
      type: image.readUInt32LE(at),
      offset: Number(image.readBigUInt64LE(at + 8)),
      vaddr: Number(image.readBigUInt64LE(at + 16)),
      filesz: Number(image.readBigUInt64LE(at + 32)),
      memsz: Number(image.readBigUInt64LE(at + 40)),
    });
  }
  return { header, segments };
}

/** The loader first, then every library `ldd` resolves for the runtime on this machine. */
export function bundledFiles(runtime) {
  const interp = readInterpreter(readFileSync(runtime));
  const listing = execFileSync('ldd', [runtime], { encoding: 'utf8' });
  assume(!/not found/.test(listing), `ldd cannot resolve every library of the runtime:\n${listing}`);
  const libraries = [];
  for (const line of listing.split('\n')) {
    const match = /^\s*(\S+) => (\/\S+) \(0x/.exec(line);
    if (match) libraries.push({ name: match[1], path: realpathSync(match[2]) });
  }
  assume(libraries.some((l) => l.name === 'libc.so.6'), `ldd lists no libc.so.6 for the runtime:\n${listing}`);
  const loader = { name: basename(interp), path: realpathSync(interp) };
  const help = execFileSync(loader.path, ['--help'], { encoding: 'utf8' });
  // --argv0 came with glibc 2.33, --preload with 2.30.
  for (const option of ['--argv0', '--preload', '--inhibit-cache']) {
    assume(help.includes(option), `the loader ${loader.path} has no ${option} option (glibc 2.33 or newer builds the binary)`);
  }
  const files = [loader, ...libraries];
  assume(files.length <= MAX_FILES, `${files.length} files to bundle, the launcher holds ${MAX_FILES}`);
  for (const file of files) assume(Buffer.byteLength(file.name) < NAME_BYTES, `library name ${file.name} is too long for the launcher`);
  return files;
}

function readInterpreter(image) {
  const { segments } = readElf(image);
  const interp = segments.filter((s) => s.type === PT_INTERP);
  assume(interp.length === 1, 'the runtime has no PT_INTERP program header (is it static?)');
  return image.toString('latin1', interp[0].offset, interp[0].offset + interp[0].filesz).replace(/\0.*$/s, '');
}

/** Compiles the launcher for LAUNCHER_ADDRESS; returns its code (config goes right after it). */
export function compileLauncher(sourceDir, workDir) {
  const elf = join(workDir, 'launcher.elf');
  const bin = join(workDir, 'launcher.bin');
  execFileSync('gcc', [
    '-Os', '-Wall', '-Wextra', '-ffreestanding', '-fno-builtin', '-nostdlib', '-static', '-fno-pic', '-no-pie',
    '-fno-stack-protector', '-fno-stack-clash-protection', '-fno-asynchronous-unwind-tables', '-fcf-protection=none',
    `-DMAX_FILES=${MAX_FILES}`,
    `-Wl,--defsym=LAUNCHER_ADDRESS=0x${LAUNCHER_ADDRESS.toString(16)}`, `-Wl,-T,${join(sourceDir, 'launcher.ld')}`,
    '-Wl,--build-id=none', '-Wl,-z,noexecstack', '-o', elf, join(sourceDir, 'launcher.c'), join(sourceDir, 'copies.c'),
  ], { stdio: ['ignore', 'inherit', 'inherit'] });
  execFileSync('objcopy', ['-O', 'binary', '-j', '.launcher', elf, bin]);
  const symbols = Object.fromEntries(
    execFileSync('nm', [elf], { encoding: 'utf8' }).split('\n').filter(Boolean).map((l) => l.split(/\s+/)).map(([value, , name]) => [name, parseInt(value, 16)]),
  );
  const code = readFileSync(bin);
  assume(symbols._start === LAUNCHER_ADDRESS, 'the launcher does not start with its entry point');
  assume(symbols.config === LAUNCHER_ADDRESS + code.length && code.length % 8 === 0, 'the launcher config is not right after its code');
  return code;
}

const CONFIG_SIZE = 24 + MAX_FILES * (16 + NAME_BYTES);

function launcherConfig(entry, files) {
  const config = Buffer.alloc(CONFIG_SIZE);
  config.writeBigUInt64LE(CONFIG_MAGIC, 0);
  config.writeBigUInt64LE(entry, 8);
  config.writeUInt32LE(files.length, 16);
  config.writeUInt32LE(MIN_KERNEL.major * 1000 + MIN_KERNEL.minor, 20);
  files.forEach((file, i) => {
    const at = 24 + i * (16 + NAME_BYTES);
    config.writeBigUInt64LE(BigInt(file.offset), at);
    config.writeBigUInt64LE(BigInt(file.size), at + 8);
    config.write(file.name, at + 16, NAME_BYTES - 1, 'latin1');
  });
  return config;
}

const alignUp = (n, to) => Math.ceil(n / to) * to;

/**
 * Rewrites the injected runtime at `input` into `output`: launcher and libraries appended, PT_INTERP
 * turned into the launcher's PT_LOAD, e_entry pointed at it. Returns what was bundled.
 */
export function makeSelfContained({ input, output, runtime, launcherCode }) {
  const image = readFileSync(input);
  const { header, segments } = readElf(image);
  assume(header.machine === EM_X86_64, 'the runtime is not x86_64');
  assume(header.type === ET_EXEC, 'the runtime is position-independent (not ET_EXEC): the launcher can no longer be mapped at a fixed address below it');
  const loads = segments.filter((s) => s.type === PT_LOAD);
  const interpIndex = segments.findIndex((s) => s.type === PT_INTERP);
  assume(interpIndex >= 0, 'the runtime has no PT_INTERP program header (is it static?)');
  // The kernel and the loader expect PT_LOAD headers in ascending address order: the launcher's
  // (lowest address) must come before the runtime's.
  assume(interpIndex < segments.indexOf(loads[0]), 'PT_INTERP does not come before the first PT_LOAD');
  const lowest = Math.min(...loads.map((s) => s.vaddr));
  const files = bundledFiles(runtime);
  const launcherSize = launcherCode.length + CONFIG_SIZE;
  assume(LAUNCHER_ADDRESS >= MIN_MAPPABLE, 'the launcher address is below vm.mmap_min_addr');
  assume(LAUNCHER_ADDRESS + alignUp(launcherSize, PAGE) <= lowest, `no free address space below the runtime's first segment (0x${lowest.toString(16)}) for the launcher`);

  const launcherOffset = alignUp(image.length, PAGE); // file offset and address agree modulo the page size
  let offset = launcherOffset + launcherSize;
  const contents = files.map((file) => {
    const data = readFileSync(file.path);
    offset = alignUp(offset, 16);
    const placed = { ...file, offset, size: data.length, data };
    offset += data.length;
    return placed;
  });
  const out = Buffer.alloc(offset);
  image.copy(out);
  launcherCode.copy(out, launcherOffset);
  launcherConfig(header.entry, contents).copy(out, launcherOffset + launcherCode.length);
  for (const file of contents) file.data.copy(out, file.offset);

  const at = segments[interpIndex].at;
  out.writeUInt32LE(PT_LOAD, at);
  out.writeUInt32LE(PF_R | PF_X, at + 4);
  out.writeBigUInt64LE(BigInt(launcherOffset), at + 8);
  out.writeBigUInt64LE(BigInt(LAUNCHER_ADDRESS), at + 16);
  out.writeBigUInt64LE(BigInt(LAUNCHER_ADDRESS), at + 24);
  out.writeBigUInt64LE(BigInt(launcherSize), at + 32);
  out.writeBigUInt64LE(BigInt(launcherSize), at + 40);
  out.writeBigUInt64LE(BigInt(PAGE), at + 48);
  out.writeBigUInt64LE(BigInt(LAUNCHER_ADDRESS), 24);
  writeFileSync(output, out, { mode: 0o755 });
  return { files: contents.map(({ name, path, size }) => ({ name, path, size })), added: out.length - image.length };
}
