// The launcher inside dist/agent: a few kilobytes that make the Node runtime start with the C
// library it was built against, whatever the target has (or lacks).
//
// dist/agent is the single-executable runtime (non-PIE, linked at 0x400000) whose PT_INTERP program
// header the build turned into a PT_LOAD mapping this block below 0x400000, with e_entry here; the
// loader, libc, libm, libstdc++ and libgcc_s of the build machine are appended to the file (see
// build/self-contained.mjs). The kernel, seeing no interpreter, maps the file and jumps here twice:
//
//   1. from the kernel (rdx is 0): refuse kernels older than the runtime supports; copy the bundled
//      files into memfds (or unlinked files where memfd_create is missing, as on Linux 3.10); exec
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

typedef unsigned long u64;
typedef unsigned int u32;

#ifndef MAX_FILES
#error "MAX_FILES comes from the build (build/self-contained.mjs), which writes the config"
#endif

struct bundled_file {
  u64 offset; // in dist/agent
  u64 size;
  char name[48]; // soname, also the memfd's name
};

// Written by the build right after the code (launcher.ld places `config` there).
struct launch_config {
  u64 magic;
  u64 runtime_entry; // the runtime's original e_entry
  u32 count;         // files[0] is the loader
  u32 min_kernel;    // major * 1000 + minor
  struct bundled_file files[MAX_FILES];
};
extern const struct launch_config config;

#define LAUNCH_VARIABLE "MARKETPLACE_AGENT_LAUNCH="

// x86_64 system call numbers: all of Linux 2.6 but memfd_create (3.17), which has a fallback.
enum {
  SYS_write = 1, SYS_open = 2, SYS_close = 3, SYS_mmap = 9, SYS_munmap = 11, SYS_pread64 = 17,
  SYS_getpid = 39, SYS_sendfile = 40, SYS_execve = 59, SYS_uname = 63, SYS_fcntl = 72, SYS_unlink = 87,
  SYS_readlink = 89, SYS_exit_group = 231, SYS_memfd_create = 319,
};
enum { O_RDONLY = 0, O_RDWR = 2, O_CREAT = 0100, O_EXCL = 0200, O_NOFOLLOW = 0400000, O_CLOEXEC = 02000000 };
enum { MFD_CLOEXEC = 1, MFD_EXEC = 0x10 };
enum { PROT_READ = 1, PROT_EXEC = 4, MAP_PRIVATE = 2 };
enum { F_GETFD = 1 };
enum { EINTR = 4, EBADF = 9, EEXIST = 17, EINVAL = 22 };

static long syscall6(long n, long a, long b, long c, long d, long e, long f) {
  register long r10 __asm__("r10") = d;
  register long r8 __asm__("r8") = e;
  register long r9 __asm__("r9") = f;
  long ret;
  __asm__ volatile("syscall" : "=a"(ret) : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9) : "rcx", "r11", "memory");
  return ret;
}
#define sys3(n, a, b, c) syscall6(n, (long)(a), (long)(b), (long)(c), 0, 0, 0)
#define sys4(n, a, b, c, d) syscall6(n, (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)

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


static int starts_with(const char *s, const char *prefix) {
  while (*prefix)
    if (*s++ != *prefix++) return 0;
  return 1;
}

// Appends src at *at (bounded by end, always terminated); returns the new end of the string.
static char *append(char *at, char *end, const char *src) {
  while (*src && at < end - 1) *at++ = *src++;
  *at = 0;
  return at;
}

static char *append_number(char *at, char *end, u64 value) {
  char digits[24];
  int n = 0;
  do digits[n++] = (char)('0' + value % 10); while ((value /= 10) && n < 23);
  char text[24];
  for (int i = 0; i < n; i++) text[i] = digits[n - 1 - i];
  text[n] = 0;
  return append(at, end, text);
}

__attribute__((noreturn)) static void fail(const char *a, const char *b, const char *c) {
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

static long copy_range(int out, int in, u64 offset, u64 size) {
  long offset_arg = (long)offset;
  u64 left = size;
  while (left > 0) {
    long n = sys4(SYS_sendfile, out, in, &offset_arg, left > 0x7ffff000 ? 0x7ffff000 : left);
    if (n == -EINTR) continue;
    if (n <= 0) break;
    left -= (u64)n;
  }
  if (left == 0) return 0;
  // sendfile into a regular file needs Linux 2.6.33: copy through a buffer otherwise.
  char buffer[65536];
  u64 done = size - left;
  while (done < size) {
    u64 want = size - done > sizeof buffer ? sizeof buffer : size - done;
    long n = sys4(SYS_pread64, in, buffer, want, offset + done);
    if (n == -EINTR) continue;
    if (n <= 0) return -1;
    for (long written = 0; written < n;) {
      long w = sys3(SYS_write, out, buffer + written, n - written);
      if (w == -EINTR) continue;
      if (w <= 0) return -1;
      written += w;
    }
    done += (u64)n;
  }
  return 0;
}

// The loader maps the libraries executable: a file on a noexec mount (a hardened /dev/shm) fails
// there, so each copy is tried as the loader will use it.
static int mappable(int fd) {
  long address = syscall6(SYS_mmap, 0, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
  if (address < 0 && address > -4096) return 0;
  syscall6(SYS_munmap, address, 4096, 0, 0, 0, 0);
  return 1;
}

static int filled(int fd, int self, const struct bundled_file *file) {
  if (copy_range(fd, self, file->offset, file->size) == 0 && mappable(fd)) return fd;
  sys3(SYS_close, fd, 0, 0);
  return -1;
}

// Without memfd_create (before Linux 3.17): a file created and unlinked at once in a directory that
// allows executable mappings, so nothing is left behind even if the agent is killed.
static int unlinked_copy(const char *dir, int self, const struct bundled_file *file, int index, int cloexec) {
  char path[4200];
  for (int attempt = 0; attempt < 16; attempt++) {
    char *at = append(path, path + sizeof path, dir);
    at = append(at, path + sizeof path, "/.agent-runtime-");
    at = append_number(at, path + sizeof path, (u64)sys3(SYS_getpid, 0, 0, 0));
    at = append(at, path + sizeof path, "-");
    append_number(at, path + sizeof path, (u64)(index * 16 + attempt));
    int fd = (int)sys3(SYS_open, path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | (cloexec ? O_CLOEXEC : 0), 0700);
    if (fd == -EEXIST) continue;
    if (fd < 0) return -1;
    sys3(SYS_unlink, path, 0, 0);
    if (filled(fd, self, file) < 0) return -1;
    // exec refuses a file open for writing (ETXTBSY): keep a read-only descriptor instead.
    char again[32];
    append_number(append(again, again + sizeof again, "/proc/self/fd/"), again + sizeof again, (u64)fd);
    int read_only = (int)sys3(SYS_open, again, O_RDONLY | (cloexec ? O_CLOEXEC : 0), 0);
    sys3(SYS_close, fd, 0, 0);
    return read_only;
  }
  return -1;
}

static int materialize(int self, const char *self_path, const struct bundled_file *file, int index) {
  int cloexec = index == 0; // the loader is exec'd, not opened by path: it need not stay open
  long fd = sys3(SYS_memfd_create, file->name, (cloexec ? MFD_CLOEXEC : 0) | MFD_EXEC, 0);
  if (fd == -EINVAL) fd = sys3(SYS_memfd_create, file->name, cloexec ? MFD_CLOEXEC : 0, 0); // MFD_EXEC: Linux 6.3
  if (fd >= 0 && (fd = filled((int)fd, self, file)) >= 0) return (int)fd;
  // The agent's own directory comes second: /dev/shm may be noexec, /tmp too.
  char dir[4096];
  append(dir, dir + sizeof dir, self_path);
  char *slash = 0;
  for (char *p = dir; *p; p++)
    if (*p == '/') slash = p;
  if (slash && slash != dir) *slash = 0;
  else append(dir, dir + sizeof dir, slash ? "/" : ".");
  const char *dirs[] = {"/dev/shm", dir, "/tmp"};
  for (int i = 0; i < 3; i++) {
    int copy = unlinked_copy(dirs[i], self, file, index, cloexec);
    if (copy >= 0) return copy;
  }
  fail("cannot unpack its runtime library ", file->name,
       ": no memfd_create, and /dev/shm, its own directory and /tmp are not writable with executable mappings");
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
  for (u32 i = 0; i < count; i++) fds[i] = materialize(self, self_path, &config.files[i], (int)i);

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
