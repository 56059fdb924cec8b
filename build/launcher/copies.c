// The copies of the bundled loader and libraries that the loader maps: memfds, or unlinked files
// where memfd_create is missing (Linux before 3.17). Copying these 5.2 MiB is most of what the
// launcher costs (~2 ms here); the runtime itself is never copied. See launcher.c.
#include "launcher.h"

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

// Without memfd_create: the agent's own directory comes second, /dev/shm may be noexec (/tmp too).
static int unlinked_copy_somewhere(int self, const char *self_path, const struct bundled_file *file, int index) {
  int cloexec = index == 0;
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

static long new_memfd(const struct bundled_file *file, int cloexec) {
  long fd = sys3(SYS_memfd_create, file->name, (cloexec ? MFD_CLOEXEC : 0) | MFD_EXEC, 0);
  if (fd == -EINVAL) fd = sys3(SYS_memfd_create, file->name, cloexec ? MFD_CLOEXEC : 0, 0); // MFD_EXEC: Linux 6.3
  return fd;
}

// Fills the memfds, each checked mappable as the loader will map it; 1 when all are. (Two processes
// filling half each were measured slower here: the pages come from one allocator either way.)
static int fill_memfds(int self, const int *fds, u32 count) {
  for (u32 i = 0; i < count; i++)
    if (copy_range(fds[i], self, config.files[i].offset, config.files[i].size) != 0 || !mappable(fds[i])) return 0;
  return 1;
}

void unpack(int self, const char *self_path, int *fds, u32 count) {
  u32 created = 0;
  for (long fd; created < count && (fd = new_memfd(&config.files[created], created == 0)) >= 0; created++) fds[created] = (int)fd;
  if (created == count && fill_memfds(self, fds, count)) return;
  // No memfd_create (Linux 3.10), or memfds that cannot be mapped executable (vm.memfd_noexec).
  for (u32 i = 0; i < created; i++) sys3(SYS_close, fds[i], 0, 0);
  for (u32 i = 0; i < count; i++) fds[i] = unlinked_copy_somewhere(self, self_path, &config.files[i], (int)i);
}
