// What the launcher's two files share: the configuration the build writes, raw system calls and
// string helpers (no C library: there may be none on the target). See launcher.c.
#ifndef LAUNCHER_H
#define LAUNCHER_H

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

static inline long syscall6(long n, long a, long b, long c, long d, long e, long f) {
  register long r10 __asm__("r10") = d;
  register long r8 __asm__("r8") = e;
  register long r9 __asm__("r9") = f;
  long ret;
  __asm__ volatile("syscall" : "=a"(ret) : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9) : "rcx", "r11", "memory");
  return ret;
}
#define sys3(n, a, b, c) syscall6(n, (long)(a), (long)(b), (long)(c), 0, 0, 0)
#define sys4(n, a, b, c, d) syscall6(n, (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)

// The compiler may emit calls to these even when freestanding (defined in launcher.c).
void *memcpy(void *dst, const void *src, u64 n);
void *memset(void *dst, int c, u64 n);

static inline int starts_with(const char *s, const char *prefix) {
  while (*prefix)
    if (*s++ != *prefix++) return 0;
  return 1;
}

// Appends src at *at (bounded by end, always terminated); returns the new end of the string.
static inline char *append(char *at, char *end, const char *src) {
  while (*src && at < end - 1) *at++ = *src++;
  *at = 0;
  return at;
}

static inline char *append_number(char *at, char *end, u64 value) {
  char digits[24];
  int n = 0;
  do digits[n++] = (char)('0' + value % 10); while ((value /= 10) && n < 23);
  char text[24];
  for (int i = 0; i < n; i++) text[i] = digits[n - 1 - i];
  text[n] = 0;
  return append(at, end, text);
}

// One line on stderr and exit 3 (README: could not complete); defined in launcher.c.
__attribute__((noreturn)) void fail(const char *a, const char *b, const char *c);

// Copies of the bundled files the loader can map: fds[0] the loader (close-on-exec: it is exec'd,
// not opened by path), the libraries after it (inherited by the loader). Defined in copies.c.
void unpack(int self, const char *self_path, int *fds, u32 count);

#endif
