/*
 * gateway-spawn: the process spawner of dev.gatewaybridge.process.NativeSpawner (for CGI programs), in the
 * manner of Apache httpd's mod_cgid. A JVM starting a process per request pays for its own size and for the
 * JDK's launch path (jspawnhelper, a reaper thread per process); this small daemon spawns the programs instead.
 *
 *   gateway-spawn SOCKET_PATH
 *
 * Started once per CgiApplication by the JVM (ProcessBuilder), it listens on the Unix stream socket
 * SOCKET_PATH, inside a 0700 directory the JVM created. Three channels:
 *
 * 1. Requests, one connection each. The JVM connects and sends one frame (big-endian u32 fields):
 *      "GBS1" token argc envc length | length bytes: dir NUL argv[0] NUL ... envp[0] NUL ...
 *    The daemon spawns argv[0] with exactly envp (posix_spawn: no shell, no PATH search) as a session and
 *    process group leader, in dir, with the connection as its stdin AND stdout and a pipe as its stderr. The
 *    connection then carries the request body in and the CGI response out (RFC 3875 §4.3, §6), byte for
 *    byte; nothing else is ever written on it.
 * 2. Events, on our stdout, one line each, read by one JVM thread:
 *      R pid               ready (first line)
 *      F token errno text  the program of request `token` could not start (bad frame, chdir or exec
 *                          failed); X 127 and D follow at once
 *      E token bytes       one line of its stderr (without the newline; at most MAX_LINE bytes)
 *      X token code        it exited: code >= 0 is its exit status, < 0 the signal that killed it
 *      D token             done: it exited (X came before) and its stderr reached end of file, every line
 *                          sent; the last event of every request
 *      L text              a message of the daemon itself
 * 3. Commands, on our stdin, one line each:
 *      K token             kill the program's process group, if it is still our unreaped child
 *    The JVM sends K only after the whole frame of `token` was written, so a K for a token not spawned yet
 *    first takes the pending connections in: a kill is never lost to that race.
 *    End of file on stdin (the JVM closed it, or died) kills every program's process group and exits.
 *
 * PID reuse: a child is reaped (waitpid) only once its exit was reported and its stderr reached end of file;
 * until then it is at least a zombie, so its pid, which is also its process group id, cannot name another
 * process, and K can never kill a stranger. Exit is detected with waitid(WNOWAIT), which leaves the zombie.
 *
 * Why posix_spawn and not fork: after a fork every page the daemon writes is copied on write, a page fault
 * each; glibc's posix_spawn shares the address space until the exec (CLONE_VM|CLONE_VFORK) and returns the
 * exec's error itself, so no status pipe is needed either. Measured on 2 cores: the daemon's own CPU per
 * spawn fell by more than half.
 *
 * Every descriptor is close-on-exec; a program gets exactly fds 0, 1 and 2. Frames are validated and bounded;
 * a bad one is reported (F or L) and its connection closed: the daemon never trusts or crashes on input.
 *
 * C11 and POSIX.1-2008 (XSI for waitid's WNOWAIT), plus what POSIX.1-2024 added and glibc had before:
 * accept4, pipe2, POSIX_SPAWN_SETSID (glibc 2.26), posix_spawn_file_actions_addchdir_np (glibc 2.29, the
 * standard drops the _np).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_CHILDREN 1024          /* programs at once; CgiApplication's cap (cgi.maxProcesses) is lower */
#define MAX_FRAME (1024 * 1024)    /* bytes of dir + argv + envp: half of Linux's usual ARG_MAX */
#define MAX_STRINGS 4096           /* argv or envp entries */
#define MAX_LINE 8192              /* stderr line split beyond this, as CgiProcess does */
#define HEADER_SIZE 20
#define FRAME_TIMEOUT_S 2          /* the JVM writes a frame at once; a connector that stalls is dropped */

struct child {
    pid_t pid;
    uint32_t token;
    int err_fd;       /* read end of its stderr pipe; -1 after end of file */
    int exited;       /* exit reported (still a zombie until reaped) */
    size_t line_len;
    char line[MAX_LINE];
};

static struct child *children[MAX_CHILDREN];
static int child_count;
static int listen_fd = -1;
static int sig_pipe[2] = {-1, -1};
static const char *socket_path;

static char *out;                  /* pending event bytes for stdout */
static size_t out_len, out_cap;

static void shutdown_and_exit(int code);

/* ---- events ------------------------------------------------------------------------------------------ */

static void out_bytes(const char *p, size_t n) {
    if (out_len + n > out_cap) {
        size_t cap = out_cap ? out_cap : 65536;
        while (cap < out_len + n) {
            cap *= 2;
        }
        char *grown = realloc(out, cap);
        if (grown == NULL) {
            shutdown_and_exit(70);
        }
        out = grown;
        out_cap = cap;
    }
    memcpy(out + out_len, p, n);
    out_len += n;
}

static void emit(const char *fmt, ...) {
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf - 1, fmt, ap);
    va_end(ap);
    if (n < 0) {
        return;
    }
    if ((size_t) n > sizeof buf - 2) {
        n = sizeof buf - 2;        /* truncated: still one line */
    }
    for (int i = 0; i < n; i++) {
        if (buf[i] == '\n') {
            buf[i] = ' ';
        }
    }
    buf[n++] = '\n';
    out_bytes(buf, (size_t) n);
}

/* Writes the pending events; the JVM's reader gone means the JVM is gone: stop everything. */
static void flush_events(void) {
    size_t done = 0;
    while (done < out_len) {
        ssize_t n = write(STDOUT_FILENO, out + done, out_len - done);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            out_len = 0;
            shutdown_and_exit(0);
        }
        done += (size_t) n;
    }
    out_len = 0;
}

/* ---- children ---------------------------------------------------------------------------------------- */

static void emit_line(struct child *c) {
    char head[32];
    int n = snprintf(head, sizeof head, "E %u ", c->token);
    out_bytes(head, (size_t) n);
    out_bytes(c->line, c->line_len);
    out_bytes("\n", 1);
    c->line_len = 0;
}

/* Drains the stderr pipe: whole lines become E events, a line longer than MAX_LINE is split. */
static void read_stderr(struct child *c) {
    char buf[16384];
    for (int turns = 0;;) {
        ssize_t n = read(c->err_fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            return;
        }
        if (n <= 0) {                       /* end of file (or an error: the same to us) */
            if (c->line_len > 0) {
                emit_line(c);
            }
            close(c->err_fd);
            c->err_fd = -1;                 /* D follows the exit (check_children) */
            return;
        }
        for (ssize_t i = 0; i < n; i++) {
            if (buf[i] == '\n') {
                emit_line(c);
            } else {
                c->line[c->line_len++] = buf[i];
                if (c->line_len == MAX_LINE) {
                    emit_line(c);
                }
            }
        }
        if (out_len > 65536) {
            flush_events();
        }
        if (++turns == 4) {
            return;                         /* a flooding program must not starve the others */
        }
    }
}

static void free_child(int i) {
    struct child *c = children[i];
    if (c->err_fd >= 0) {
        close(c->err_fd);
    }
    free(c);
    children[i] = children[--child_count];
    children[child_count] = NULL;
}

/*
 * Reports exits (leaving the zombie) when a SIGCHLD came, and reaps the children that have nothing more to
 * report, saying D for each.
 */
static void check_children(int sigchld) {
    for (int i = 0; i < child_count; i++) {
        struct child *c = children[i];
        if (sigchld && !c->exited) {
            siginfo_t si;
            memset(&si, 0, sizeof si);
            if (waitid(P_PID, (id_t) c->pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 && si.si_pid == c->pid) {
                c->exited = 1;
                emit("X %u %d", c->token, si.si_code == CLD_EXITED ? si.si_status : -si.si_status);
            }
        }
        if (c->exited && c->err_fd < 0) {
            emit("D %u", c->token);
            while (waitpid(c->pid, NULL, 0) < 0 && errno == EINTR) {
            }
            free_child(i);
            i--;
        }
    }
}

static struct child *find(uint32_t token) {
    for (int i = 0; i < child_count; i++) {
        if (children[i]->token == token) {
            return children[i];
        }
    }
    return NULL;
}

/* ---- spawning ---------------------------------------------------------------------------------------- */

struct request {
    uint32_t token;
    char *dir;
    char **argv;
    char **envp;
};

static uint32_t be32(const unsigned char *p) {
    return (uint32_t) p[0] << 24 | (uint32_t) p[1] << 16 | (uint32_t) p[2] << 8 | p[3];
}

static int read_full(int fd, void *buf, size_t n) {
    size_t done = 0;
    while (done < n) {
        ssize_t r = read(fd, (char *) buf + done, n - done);
        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r <= 0) {
            return -1;
        }
        done += (size_t) r;
    }
    return 0;
}

/* Splits the payload into dir, argv and envp; NULL if it is well formed, else what is wrong. */
static const char *parse_payload(struct request *rq, char *p, uint32_t len, uint32_t argc, uint32_t envc) {
    if (p[len - 1] != '\0') {
        return "payload does not end with NUL";
    }
    rq->argv = calloc(argc + 1, sizeof *rq->argv);
    rq->envp = calloc(envc + 1, sizeof *rq->envp);
    if (rq->argv == NULL || rq->envp == NULL) {
        return "out of memory";
    }
    uint32_t want = 1 + argc + envc, got = 0;
    for (char *s = p; s < p + len; s += strlen(s) + 1, got++) {
        if (got == want) {
            return "more strings than 1 + argc + envc";
        }
        if (got == 0) {
            rq->dir = s;
        } else if (got <= argc) {
            rq->argv[got - 1] = s;
        } else {
            rq->envp[got - 1 - argc] = s;
            if (s[0] == '=' || strchr(s, '=') == NULL) {
                return "environment entry is not NAME=value";
            }
        }
    }
    if (got != want) {
        return "fewer strings than 1 + argc + envc";
    }
    if (rq->dir[0] != '/' || rq->argv[0][0] != '/') {
        return "directory and program must be absolute paths";
    }
    return NULL;
}

/* Reads and validates one frame; NULL on success, else the reason (token set if it was read). */
static const char *read_request(int conn, struct request *rq, char **payload) {
    unsigned char h[HEADER_SIZE];
    if (read_full(conn, h, sizeof h) != 0) {
        return "connection closed or timed out before a whole frame header";
    }
    if (memcmp(h, "GBS1", 4) != 0) {
        return "bad magic (not a GBS1 frame)";
    }
    rq->token = be32(h + 4);
    uint32_t argc = be32(h + 8), envc = be32(h + 12), len = be32(h + 16);
    if (argc < 1 || argc > MAX_STRINGS || envc > MAX_STRINGS) {
        return "argc must be 1..4096 and envc 0..4096";
    }
    if (len < 4 || len > MAX_FRAME) {
        return "payload length out of range (max 1 MiB)";
    }
    *payload = malloc(len);
    if (*payload == NULL) {
        return "out of memory";
    }
    if (read_full(conn, *payload, len) != 0) {
        return "connection closed or timed out inside the payload";
    }
    return parse_payload(rq, *payload, len, argc, envc);
}

/* A request that spawned nothing still ends as every request does: X then D. */
static void refuse(uint32_t token, int err, const char *what) {
    emit("F %u %d %s", token, err, what);
    emit("X %u 127", token);                /* 127: what a shell answers for a command it cannot run */
    emit("D %u", token);
}

/* Spawns the program; its file actions and attributes are the whole of what happens between fork and exec. */
static pid_t spawn_program(const struct request *rq, int conn, int err_w, int *error) {
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    sigset_t none, defaults;
    pid_t pid = -1;
    sigemptyset(&none);
    /* An ignored signal stays ignored across exec: the program must get the default SIGPIPE back, so that
       writing to a client that went away ends it (we ignore it ourselves). */
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);
    sigaddset(&defaults, SIGCHLD);
    posix_spawn_file_actions_init(&fa);
    posix_spawnattr_init(&attr);
    /* conn and err_w are >= 3 (0-2 are ours) and close-on-exec; the copies made here are not. */
    int rc = posix_spawn_file_actions_addchdir_np(&fa, rq->dir);
    rc = rc ? rc : posix_spawn_file_actions_adddup2(&fa, conn, STDIN_FILENO);
    rc = rc ? rc : posix_spawn_file_actions_adddup2(&fa, conn, STDOUT_FILENO);
    rc = rc ? rc : posix_spawn_file_actions_adddup2(&fa, err_w, STDERR_FILENO);
    /* Its own session and process group, so K (and our exit) kill the whole tree it starts. */
    rc = rc ? rc : posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK
            | POSIX_SPAWN_SETSIGDEF);
    rc = rc ? rc : posix_spawnattr_setsigmask(&attr, &none);
    rc = rc ? rc : posix_spawnattr_setsigdefault(&attr, &defaults);
    rc = rc ? rc : posix_spawn(&pid, rq->argv[0], &fa, &attr, rq->argv, rq->envp);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    *error = rc;
    return rc ? -1 : pid;
}

static void spawn(int conn, const struct request *rq) {
    char why[600];
    int err[2], error;
    if (child_count == MAX_CHILDREN) {
        refuse(rq->token, EAGAIN, "too many programs running");
        return;
    }
    struct child *c = malloc(sizeof *c);
    if (c == NULL || pipe2(err, O_CLOEXEC) != 0) {
        snprintf(why, sizeof why, "pipe: %s", strerror(c == NULL ? ENOMEM : errno));
        refuse(rq->token, c == NULL ? ENOMEM : errno, why);
        free(c);
        return;
    }
    pid_t pid = spawn_program(rq, conn, err[1], &error);
    close(err[1]);
    if (pid < 0) {
        /* chdir, dup2 or execve failed in the child: glibc hands its errno back (e.g. ENOEXEC, ENOENT for
           a #! interpreter that does not exist). */
        snprintf(why, sizeof why, "cannot execute %.400s: %s", rq->argv[0], strerror(error));
        refuse(rq->token, error, why);
        close(err[0]);
        free(c);
        return;
    }
    fcntl(err[0], F_SETFL, O_NONBLOCK);
    c->pid = pid;
    c->token = rq->token;
    c->err_fd = err[0];
    c->exited = 0;
    c->line_len = 0;
    children[child_count++] = c;
}

/* Takes one pending connection in and spawns its program; 0 when none was pending. */
static int accept_one(void) {
    int conn = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
    if (conn < 0) {
        return 0;                           /* EAGAIN, or the connector left: nothing to do */
    }
    struct timeval tv = {.tv_sec = FRAME_TIMEOUT_S};
    setsockopt(conn, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    struct request rq = {0};
    char *payload = NULL;
    const char *bad = read_request(conn, &rq, &payload);
    if (bad == NULL) {
        spawn(conn, &rq);
    } else if (rq.token != 0) {             /* the JVM never uses token 0 */
        char why[200];
        snprintf(why, sizeof why, "bad request frame: %s", bad);
        refuse(rq.token, EINVAL, why);
    } else {
        emit("L bad request frame: %s", bad);
    }
    close(conn);                            /* the child has its own copies */
    free(rq.argv);
    free(rq.envp);
    free(payload);
    return 1;
}

/* ---- commands ---------------------------------------------------------------------------------------- */

static char cmd[64];
static size_t cmd_len;

static void command(const char *line) {
    char extra;
    unsigned token;
    if (sscanf(line, "K %u%c", &token, &extra) != 1) {
        emit("L bad command: %.60s", line);
        return;
    }
    struct child *c = find(token);
    while (c == NULL && accept_one()) {     /* its frame may still wait in the listen queue */
        c = find(token);
    }
    /* Still not found: it ended and was reaped, or never started. Nothing of ours to kill. */
    if (c != NULL) {
        kill(-c->pid, SIGKILL);             /* a session leader from its first instruction on */
    }
}

static void read_commands(void) {
    char buf[4096];
    ssize_t n;
    do {
        n = read(STDIN_FILENO, buf, sizeof buf);
    } while (n < 0 && errno == EINTR);
    if (n <= 0) {
        shutdown_and_exit(0);               /* the JVM closed us, or died */
    }
    for (ssize_t i = 0; i < n; i++) {
        if (buf[i] == '\n') {
            cmd[cmd_len] = '\0';
            command(cmd);
            cmd_len = 0;
        } else if (cmd_len < sizeof cmd - 1) {
            cmd[cmd_len++] = buf[i];
        }                                    /* an overlong line is cut, then refused as a bad command */
    }
}

/* ---- main loop --------------------------------------------------------------------------------------- */

static void shutdown_and_exit(int code) {
    for (int i = 0; i < child_count; i++) {
        kill(-children[i]->pid, SIGKILL);
    }
    for (int i = 0; i < child_count; i++) {
        while (waitpid(children[i]->pid, NULL, 0) < 0 && errno == EINTR) {
        }
    }
    if (listen_fd >= 0) {
        unlink(socket_path);
    }
    _exit(code);
}

static void on_sigchld(int sig) {
    (void) sig;
    int saved = errno;
    ssize_t ignored = write(sig_pipe[1], "c", 1);   /* full pipe: a wake-up is already pending */
    (void) ignored;
    errno = saved;
}

static void setup(const char *path) {
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof addr.sun_path) {
        fprintf(stderr, "gateway-spawn: socket path longer than %zu bytes: %s\n", sizeof addr.sun_path - 1, path);
        exit(64);
    }
    strcpy(addr.sun_path, path);
    /* Descriptors inherited from the JVM beyond 0-2 (ProcessBuilder closes them; be sure) must not reach
       a program. */
    long max = sysconf(_SC_OPEN_MAX);
    for (int fd = 3; fd < (max > 0 && max < 65536 ? max : 65536); fd++) {
        fcntl(fd, F_SETFD, FD_CLOEXEC);
    }
    signal(SIGPIPE, SIG_IGN);               /* a closed connection is an EPIPE to handle, not our death */
    if (pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
        perror("gateway-spawn: pipe");
        exit(71);
    }
    struct sigaction sa = {.sa_handler = on_sigchld, .sa_flags = SA_RESTART | SA_NOCLDSTOP};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGCHLD, &sa, NULL);
    umask(077);                             /* the socket file: owner only, as its directory */
    listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (listen_fd < 0 || bind(listen_fd, (struct sockaddr *) &addr, sizeof addr) != 0
            || listen(listen_fd, 128) != 0) {
        fprintf(stderr, "gateway-spawn: cannot listen on %s: %s\n", path, strerror(errno));
        exit(71);
    }
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: gateway-spawn SOCKET_PATH\n");
        return 64;
    }
    socket_path = argv[1];
    setup(socket_path);
    emit("R %d", (int) getpid());
    flush_events();
    static struct pollfd fds[3 + MAX_CHILDREN];
    static struct child *owner[3 + MAX_CHILDREN];
    for (;;) {
        nfds_t n = 0;
        fds[n++] = (struct pollfd) {.fd = STDIN_FILENO, .events = POLLIN};
        fds[n++] = (struct pollfd) {.fd = sig_pipe[0], .events = POLLIN};
        fds[n++] = (struct pollfd) {.fd = listen_fd, .events = POLLIN};
        for (int i = 0; i < child_count; i++) {
            if (children[i]->err_fd >= 0) {
                owner[n] = children[i];
                fds[n++] = (struct pollfd) {.fd = children[i]->err_fd, .events = POLLIN};
            }
        }
        if (poll(fds, n, -1) < 0) {
            if (errno == EINTR) {
                continue;
            }
            shutdown_and_exit(71);
        }
        for (nfds_t i = 3; i < n; i++) {    /* stderr first: a child's lines precede its exit */
            if (fds[i].revents == 0) {
                continue;
            }
            read_stderr(owner[i]);
        }
        if (fds[1].revents) {
            char drain[64];
            while (read(sig_pipe[0], drain, sizeof drain) > 0) {
            }
        }
        check_children(fds[1].revents != 0); /* drained first: a SIGCHLD after this wakes the next poll;
                                                and stderr read first: a program's lines precede its X */
        if (fds[0].revents) {
            read_commands();
        }
        if (fds[2].revents) {
            while (accept_one()) {          /* all that are pending: one poll for a burst */
            }
        }
        flush_events();
    }
}
