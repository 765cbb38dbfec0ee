/*
 * newlib system calls for a heap-less, file-less firmware.
 *
 * Nothing in the appliance may allocate: _sbrk refuses every request, so a
 * stray malloc (newlib's printf of a float, say) fails at once and visibly
 * instead of eating the stack. Writes to stdout/stderr go to the console.
 */
#include <errno.h>
#include <stddef.h>
#include <sys/stat.h>

#include "hal/uart.h"

void *_sbrk(ptrdiff_t incr);
int _write(int fd, const char *buf, int len);
int _read(int fd, char *buf, int len);
int _close(int fd);
int _lseek(int fd, int off, int whence);
int _fstat(int fd, struct stat *st);
int _isatty(int fd);
int _getpid(void);
int _kill(int pid, int sig);
void _exit(int code);

unsigned sbrk_refusals;

void *_sbrk(ptrdiff_t incr)
{
    (void)incr;
    sbrk_refusals++;
    errno = ENOMEM;
    return (void *)-1;
}

int _write(int fd, const char *buf, int len)
{
    if (fd != 1 && fd != 2) {
        errno = EBADF;
        return -1;
    }
    return (int)uart_write(buf, (size_t)len);
}

int _read(int fd, char *buf, int len)
{
    (void)fd;
    (void)buf;
    (void)len;
    errno = EBADF;
    return -1;
}

int _close(int fd)
{
    (void)fd;
    errno = EBADF;
    return -1;
}
int _lseek(int fd, int off, int whence)
{
    (void)fd;
    (void)off;
    (void)whence;
    return 0;
}
int _fstat(int fd, struct stat *st)
{
    (void)fd;
    st->st_mode = S_IFCHR;
    return 0;
}
int _isatty(int fd)
{
    (void)fd;
    return 1;
}
int _getpid(void)
{
    return 1;
}
int _kill(int pid, int sig)
{
    (void)pid;
    (void)sig;
    errno = EINVAL;
    return -1;
}

void _exit(int code)
{
    (void)code;
    for (;;) {
    }
}
