// The launcher inside dist/agent: a few kilobytes that make the Node runtime start with the C
// library it was built against, whatever the target has (or lacks).
//
// dist/agent is the single-executable runtime (non-PIE, linked at 0x400000) whose PT_INTERP program
// header the build turned into a PT_LOAD mapping this block below 0x400000, with e_entry here; the
// loader, libc, libm, libstdc++ and libgcc_s of the build machine are appended to the file (see
// build/self-contained.mjs). The kernel, seeing no interpreter, maps the file and jumps here twice:
//
//   1. from the kernel (rdx is 0): refuse kernels older than the runtime supports; copy the bundled
//      files into memfds (copies.c: or unlinked files where memfd_create is missing, as on Linux
//      3.10); exec
//        LOADER --inhibit-cache --argv0 SELF --preload "LIBS" /proc/self/fd/SELF_FD ARGS...
//      with MARKETPLACE_AGENT_LAUNCH=FDS appended to the environment. Nothing is copied but the
//      libraries: the loader maps this same file as the program.
//   2. from the bundled loader (rdx holds its exit hook): close the descriptors of step 1 and remove
//      that last variable from the environment, so the commands the agent runs inherit neither, then
//      jump to the runtime's own entry point with the stack and rdx as the loader left them.
//
// argv[0] of the runtime is the agent's real path (readlink /proc/self/exe in step 1): through a
// loader, /proc/self/exe and process.execPath name the loader instead (agent/self.ts).
//
// Freestanding: no C library (there may be none on the target), raw system calls only, and no
// writable data (the block is mapped read-only and executable).

#include "launcher.h"

// The compiler may emit calls to these even when freestanding.
void *memcpy(void *dst, const void *src, u64 n) {
  char *d = dst;
  const char *s = src;
  while (n--) *d++ = *s++;
  return dst;
}
void *memset(void *dst, int c, u64 n) {
  char *d = dst;
  while (n--) *d++ = (char)c;
  return dst;
}


__attribute__((noreturn)) void fail(const char *a, const char *b, const char *c) {
  char line[512];
  char *at = append(line, line + sizeof line - 1, "agent: ");
  at = append(at, line + sizeof line - 1, a);
  at = append(at, line + sizeof line - 1, b);
  at = append(at, line + sizeof line - 1, c);
  *at++ = '\n';
  sys3(SYS_write, 2, line, at - line);
  // 3: could not complete (README, exit codes).
  for (;;) sys3(SYS_exit_group, 3, 0, 0);
}


// Kernels older than the runtime supports (libuv needs 3.10; CentOS 6 runs 2.6.32) are refused in
// one line, before anything of the runtime runs, with what to do instead.
static void refuse_old_kernel(void) {
  char uts[6 * 65];
  if (sys3(SYS_uname, uts, 0, 0) < 0) return;
  const char *release = uts + 2 * 65;
  u32 major = 0, minor = 0;
  const char *p = release;
  while (*p >= '0' && *p <= '9') major = major * 10 + (u32)(*p++ - '0');
  if (*p == '.') p++;
  while (*p >= '0' && *p <= '9') minor = minor * 10 + (u32)(*p++ - '0');
  if (major * 1000 + minor >= config.min_kernel) return;
  fail("this machine runs Linux ", release,
       ", older than the 3.10 the agent needs; check this image from a newer machine instead: mount its disk there and run agent check --root DIR");
}

// Started with stdin, stdout or stderr closed, a memfd would take its number and the runtime would
// write its report into a library: hold them with /dev/null first, as the runtime itself would.
static void hold_standard_descriptors(void) {
  for (int fd = 0; fd < 3; fd++)
    if (sys3(SYS_fcntl, fd, F_GETFD, 0) == -EBADF) sys3(SYS_open, "/dev/null", O_RDWR, 0);
}

__attribute__((noreturn)) static void launch(long *sp) {
  long argc = sp[0];
  char **argv = (char **)(sp + 1);
  char **envp = argv + argc + 1;
  refuse_old_kernel();
  hold_standard_descriptors();

  // The loader opens the program by this descriptor, so it maps exactly the file the kernel ran.
  int self = (int)sys3(SYS_open, "/proc/self/exe", O_RDONLY, 0);
  if (self < 0) fail("cannot open its own file through /proc/self/exe", ": is /proc mounted?", "");
  char self_path[4096];
  long n = sys3(SYS_readlink, "/proc/self/exe", self_path, sizeof self_path - 1);
  if (n <= 0) append(self_path, self_path + sizeof self_path, argc > 0 ? argv[0] : "agent");
  else self_path[n] = 0;

  int fds[MAX_FILES];
  u32 count = config.count;
  unpack(self, self_path, fds, count);

  char loader[32], program[32], preload[MAX_FILES * 32], launch_variable[64 + MAX_FILES * 12];
  append_number(append(loader, loader + sizeof loader, "/proc/self/fd/"), loader + sizeof loader, (u64)fds[0]);
  append_number(append(program, program + sizeof program, "/proc/self/fd/"), program + sizeof program, (u64)self);
  char *at = preload;
  char *var = append_number(append(launch_variable, launch_variable + sizeof launch_variable, LAUNCH_VARIABLE), launch_variable + sizeof launch_variable, (u64)self);
  for (u32 i = 1; i < count; i++) {
    if (i > 1) at = append(at, preload + sizeof preload, " ");
    at = append_number(append(at, preload + sizeof preload, "/proc/self/fd/"), preload + sizeof preload, (u64)fds[i]);
    var = append_number(append(var, launch_variable + sizeof launch_variable, ","), launch_variable + sizeof launch_variable, (u64)fds[i]);
  }

  long envc = 0;
  while (envp[envc]) envc++;
  const char *new_argv[argc + 10];
  long a = 0;
  new_argv[a++] = self_path;
  new_argv[a++] = "--inhibit-cache";
  new_argv[a++] = "--argv0";
  new_argv[a++] = self_path;
  new_argv[a++] = "--preload";
  new_argv[a++] = preload;
  new_argv[a++] = program;
  for (long i = 1; i < argc; i++) new_argv[a++] = argv[i];
  new_argv[a] = 0;
  const char *new_envp[envc + 2];
  for (long i = 0; i < envc; i++) new_envp[i] = envp[i];
  new_envp[envc] = launch_variable;
  new_envp[envc + 1] = 0;

  long error = sys3(SYS_execve, loader, new_argv, new_envp);
  char code[24];
  append_number(code, code + sizeof code, (u64)-error);
  fail("cannot start its runtime loader through /proc/self/fd (execve error ", code, ")");
}

// Second entry, from the bundled loader: the launch variable is the last one of the environment.
static void settle(long *sp) {
  long argc = sp[0];
  char **envp = (char **)(sp + 1) + argc + 1;
  long last = -1;
  while (envp[last + 1]) last++;
  if (last < 0 || !starts_with(envp[last], LAUNCH_VARIABLE)) return;
  const char *p = envp[last] + sizeof LAUNCH_VARIABLE - 1;
  while (*p) {
    long fd = 0;
    while (*p >= '0' && *p <= '9' && fd < 1 << 20) fd = fd * 10 + (*p++ - '0');
    sys3(SYS_close, fd, 0, 0);
    if (*p == ',') p++;
    else break;
  }
  envp[last] = 0;
}

// Returns where to continue (only on the second entry; the first execs or exits).
__attribute__((used)) static u64 start(long *sp, long exit_hook) {
  if (exit_hook == 0) launch(sp);
  settle(sp);
  return config.runtime_entry;
}

// rsp and rdx must reach the runtime's _start as the loader set them.
__asm__(".section .text.entry,\"ax\",@progbits\n"
        ".globl _start\n"
        "_start:\n"
        "  mov %rsp, %r12\n"
        "  mov %rdx, %rbx\n"
        "  mov %rsp, %rdi\n"
        "  mov %rdx, %rsi\n"
        "  and $-16, %rsp\n"
        "  call start\n"
        "  mov %r12, %rsp\n"
        "  mov %rbx, %rdx\n"
        "  jmp *%rax\n"
        ".previous\n");
