// The ceiling for tcp_echo: a plain, single-threaded, level-triggered epoll echo server in C.
//
//   gcc -O2 -o epoll_echo epoll_echo.c && ./epoll_echo [port]     (default 18090, 127.0.0.1 only)
//
// Per request it makes exactly one recv and one send: a readable event gets one recv into a 4,096-byte buffer (the
// size samples/EchoServer and the tokio server use) and the bytes go straight back with one send. Level-triggered,
// so a recv that did not drain the socket is simply reported again by the next epoll_wait; nothing is read until
// EAGAIN. A short send (never seen with 64-byte echoes on loopback, but possible) keeps the rest in the connection's
// buffer and waits for EPOLLOUT before reading again, so an echo is never dropped or reordered. TCP_NODELAY as in
// the other servers. It stops on SIGTERM/SIGINT (default action).
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

enum { BUFFER_SIZE = 4096, MAX_EVENTS = 1024 };

// One connection; the epoll event's data.ptr points at it (the listener's data.ptr is NULL).
struct conn {
    int fd;
    size_t pending_off, pending_len; // bytes of buf still to be sent after a short send
    char buf[BUFFER_SIZE];
};

static void die(const char *what) {
    perror(what);
    exit(1);
}

static void close_conn(int ep, struct conn *c) {
    epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    free(c);
}

static void set_interest(int ep, struct conn *c, unsigned events) {
    struct epoll_event ev = {.events = events, .data.ptr = c};
    if (epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev) < 0) die("epoll_ctl MOD");
}

// Sends what is pending; returns 0 when all is sent, 1 when the socket is full, -1 when the peer is gone.
static int flush(struct conn *c) {
    while (c->pending_len > 0) {
        ssize_t n = send(c->fd, c->buf + c->pending_off, c->pending_len, MSG_NOSIGNAL);
        if (n < 0) return errno == EAGAIN ? 1 : -1;
        c->pending_off += (size_t)n;
        c->pending_len -= (size_t)n;
    }
    return 0;
}

static void on_readable(int ep, struct conn *c) {
    ssize_t n = recv(c->fd, c->buf, BUFFER_SIZE, 0);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
        close_conn(ep, c);
        return;
    }
    if (n < 0) return;
    c->pending_off = 0;
    c->pending_len = (size_t)n;
    int r = flush(c);
    if (r < 0) close_conn(ep, c);
    else if (r > 0) set_interest(ep, c, EPOLLOUT);
}

static void on_writable(int ep, struct conn *c) {
    int r = flush(c);
    if (r < 0) close_conn(ep, c);
    else if (r == 0) set_interest(ep, c, EPOLLIN);
}

static void accept_all(int ep, int listener) {
    for (;;) {
        int fd = accept4(listener, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EAGAIN || errno == ECONNABORTED || errno == EINTR) return;
            perror("accept4"); // EMFILE and friends: keep serving the connections we have
            return;
        }
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        struct conn *c = calloc(1, sizeof *c);
        if (!c) die("calloc");
        c->fd = fd;
        struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
        if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0) die("epoll_ctl ADD");
    }
}

int main(int argc, char **argv) {
    int port = argc > 1 ? atoi(argv[1]) : 18090;
    if (port <= 0 || port >= 65536) {
        fprintf(stderr, "usage: epoll_echo [port]\n");
        return 2;
    }
    int listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (listener < 0) die("socket");
    int one = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(listener, (struct sockaddr *)&addr, sizeof addr) < 0) die("bind");
    if (listen(listener, SOMAXCONN) < 0) die("listen");
    int ep = epoll_create1(EPOLL_CLOEXEC);
    if (ep < 0) die("epoll_create1");
    struct epoll_event lev = {.events = EPOLLIN, .data.ptr = NULL};
    if (epoll_ctl(ep, EPOLL_CTL_ADD, listener, &lev) < 0) die("epoll_ctl ADD listener");
    printf("C epoll echo server on 127.0.0.1:%d (one thread, level-triggered)\n", port);
    fflush(stdout);

    struct epoll_event events[MAX_EVENTS];
    for (;;) {
        int n = epoll_wait(ep, events, MAX_EVENTS, -1);
        if (n < 0) {
            if (errno == EINTR) continue;
            die("epoll_wait");
        }
        // Every event of this wait is handled before waiting again.
        for (int i = 0; i < n; i++) {
            struct conn *c = events[i].data.ptr;
            if (!c) accept_all(ep, listener);
            else if (events[i].events & EPOLLOUT) on_writable(ep, c);
            else on_readable(ep, c); // EPOLLIN, or EPOLLHUP/EPOLLERR: the recv reports 0 or the error
        }
    }
}
