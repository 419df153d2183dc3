/*
 * The exit trace (trace.h): each record is formatted here, as a text line
 * or a JSON object, into vmm's own buffer, which goes out with write(2).
 */
#include "trace.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hypercall.h"

#define TRACE_BUFFER (64 * 1024)
#define RECORD_MAX 512 /* the longest record: a hypercall exit, about 250 bytes */

enum trace_state {
	TRACE_OPEN,
	TRACE_CLOSED, /* the reader went away (EPIPE): stop, silently */
	TRACE_LOST,   /* a write failed otherwise: stop, reported */
};

struct vm_trace {
	enum trace_format format;
	int fd;
	bool own_fd;      /* a file of ours (closed at the end), not stderr */
	bool line_by_line; /* stderr or a terminal: each record at once */
	enum trace_state state;
	int lost_errno;
	uint64_t t0_ns;   /* trace_attach: the time column's zero */
	uint64_t hlt_ns;  /* when the vCPU last halted with IF=1 */
	size_t used;
	char buffer[TRACE_BUFFER];
};

int trace_format_parse(const char *name, enum trace_format *out)
{
	if (strcmp(name, "text") == 0)
		*out = TRACE_TEXT;
	else if (strcmp(name, "json") == 0)
		*out = TRACE_JSON;
	else
		return -1;
	return 0;
}

struct vm_trace *trace_open(const char *path, enum trace_format format, char *err, size_t errlen)
{
	struct vm_trace *t = calloc(1, sizeof(*t));
	if (!t) {
		snprintf(err, errlen, "trace: out of memory");
		return NULL;
	}
	t->format = format;
	t->fd = STDERR_FILENO;
	if (path) {
		t->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (t->fd < 0) {
			snprintf(err, errlen, "cannot open trace file '%s': %s", path, strerror(errno));
			free(t);
			return NULL;
		}
		t->own_fd = true;
	}
	t->line_by_line = !path || isatty(t->fd);
	return t;
}

void trace_attach(struct vm *vm, struct vm_trace *t)
{
	if (t)
		t->t0_ns = host_monotonic_ns();
	vm->trace = t;
}

/* Writes everything or ends the trace. As in console.c, a write cut short
 * by a signal (the vCPU kick) is resumed, not lost. */
static void write_all(struct vm_trace *t, const char *p, size_t n)
{
	while (n > 0 && t->state == TRACE_OPEN) {
		ssize_t w = write(t->fd, p, n);
		if (w > 0) {
			p += w;
			n -= (size_t)w;
		} else if (w < 0 && errno == EINTR) {
			continue;
		} else if (w < 0 && errno == EAGAIN) { /* left non-blocking: wait */
			struct pollfd pfd = { .fd = t->fd, .events = POLLOUT };
			ppoll(&pfd, 1, NULL, NULL);
		} else if (w < 0 && errno == EPIPE) {
			t->state = TRACE_CLOSED;
		} else {
			t->state = TRACE_LOST;
			t->lost_errno = w < 0 ? errno : EIO;
			fprintf(stderr, "vmm: trace output lost: %s\n", strerror(t->lost_errno));
		}
	}
}

static void flush(struct vm_trace *t)
{
	write_all(t, t->buffer, t->used);
	t->used = 0;
}

/* One record being formatted: text "TIME WORD key=value..." or JSON
 * {"t_us":TIME,"event":...,"key":value...}. */
struct record {
	struct vm_trace *t;
	bool json;
	size_t len;
	char text[RECORD_MAX];
};

static void put(struct record *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct record *r, const char *fmt, ...)
{
	/* Room is kept for the end ("}\n"); a record cut short stays one line
	 * (cannot happen with RECORD_MAX as it is). */
	size_t room = sizeof(r->text) - 3 - r->len;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(r->text + r->len, room + 1, fmt, ap);
	va_end(ap);
	if (n > 0)
		r->len += (size_t)n < room ? (size_t)n : room;
}

static bool begin(struct record *r, struct vm_trace *t, const char *event)
{
	if (t->state != TRACE_OPEN)
		return false;
	r->t = t;
	r->json = t->format == TRACE_JSON;
	r->len = 0;
	uint64_t ns = host_monotonic_ns() - t->t0_ns;
	if (r->json)
		put(r, "{\"t_us\":%" PRIu64 ".%03u,\"event\":\"%s\"", ns / 1000, (unsigned)(ns % 1000), event);
	else if (strcmp(event, "exit") == 0) /* the reason comes first */
		put(r, "%10" PRIu64 ".%03u", ns / 1000, (unsigned)(ns % 1000));
	else
		put(r, "%10" PRIu64 ".%03u %s", ns / 1000, (unsigned)(ns % 1000), event);
	return true;
}

/* A word of the text line, also a JSON string field ("reason", "dir"). */
static void word(struct record *r, const char *key, const char *value)
{
	if (r->json)
		put(r, ",\"%s\":\"%s\"", key, value);
	else
		put(r, " %s", value);
}

static void hex(struct record *r, const char *key, uint64_t value)
{
	if (r->json)
		put(r, ",\"%s\":%" PRIu64, key, value);
	else
		put(r, " %s=0x%" PRIx64, key, value);
}

static void dec(struct record *r, const char *key, uint64_t value)
{
	if (r->json)
		put(r, ",\"%s\":%" PRIu64, key, value);
	else
		put(r, " %s=%" PRIu64, key, value);
}

static void end(struct record *r)
{
	struct vm_trace *t = r->t;
	if (r->json)
		r->text[r->len++] = '}';
	r->text[r->len++] = '\n';
	if (r->len > sizeof(t->buffer) - t->used)
		flush(t);
	memcpy(t->buffer + t->used, r->text, r->len);
	t->used += r->len;
	if (t->line_by_line)
		flush(t);
}

static void rip(struct record *r, struct vm *vm)
{
	struct kvm_regs regs;
	if (vm_get_regs(vm, &regs) == 0)
		hex(r, "rip", regs.rip);
}

/*
 * An `out` of 4 bytes to the doorbell is a hypercall: its block is read back
 * after the call, with the status and ret vmm wrote there (the guest is
 * stopped in the exit: it cannot have changed it since).
 */
static void hypercall(struct record *r, struct vm *vm, uint64_t gpa)
{
	const struct hc_request *req = gpa % 8 ? NULL : vm_gpa_ptr(vm, gpa, sizeof(*req));
	if (!req) {
		if (r->json)
			put(r, ",\"hypercall\":{\"error\":\"bad block\"}");
		else
			put(r, " hypercall=bad-block");
		return;
	}
	const struct hypercall_info *info = hypercall_info(req->nr);
	const char *status = hypercall_status_name(req->status);
	if (r->json) {
		put(r, ",\"hypercall\":{\"nr\":%u,\"name\":", req->nr);
		put(r, info ? "\"%s\"" : "%s", info ? info->name : "null");
		put(r, ",\"args\":{");
	} else {
		if (info)
			put(r, " hypercall=%s(", info->name);
		else
			put(r, " hypercall=#%u(", req->nr);
	}
	for (int i = 0; i < 4; i++) {
		char unnamed[8];
		const char *name = info ? info->args[i] : NULL;
		if (info && !name)
			break;
		if (!name) { /* a call abi.h does not define: all four, by position */
			snprintf(unnamed, sizeof(unnamed), "arg%d", i);
			name = unnamed;
		}
		if (r->json)
			put(r, "%s\"%s\":%llu", i ? "," : "", name, req->arg[i]);
		else
			put(r, "%s%s=0x%llx", i ? "," : "", name, req->arg[i]);
	}
	if (r->json) {
		put(r, "},\"status\":%d,\"status_name\":", req->status);
		put(r, status ? "\"%s\"" : "%s", status ? status : "null");
		put(r, ",\"ret\":%llu}", req->ret);
	} else {
		if (status)
			put(r, ") status=%s", status);
		else
			put(r, ") status=%d", req->status);
		put(r, " ret=0x%llx", req->ret);
	}
}

static void io_exit(struct record *r, struct vm *vm)
{
	struct kvm_run *run = vm->run;
	bool out = run->io.direction == KVM_EXIT_IO_OUT;
	uint64_t value = 0;
	memcpy(&value, (uint8_t *)run + run->io.data_offset, run->io.size > 8 ? 8 : run->io.size);
	word(r, "reason", "io");
	word(r, "dir", out ? "out" : "in");
	hex(r, "port", run->io.port);
	dec(r, "size", run->io.size);
	if (run->io.count != 1 || r->json)
		dec(r, "count", run->io.count);
	hex(r, "value", value); /* of the first element of a string I/O */
	rip(r, vm);
	if (out && run->io.port == VMM_HC_PORT && run->io.size == 4 && run->io.count == 1)
		hypercall(r, vm, value);
}

static void mmio_exit(struct record *r, struct vm *vm)
{
	struct kvm_run *run = vm->run;
	uint64_t value = 0;
	memcpy(&value, run->mmio.data, run->mmio.len > 8 ? 8 : run->mmio.len);
	word(r, "reason", "mmio");
	word(r, "dir", run->mmio.is_write ? "write" : "read");
	hex(r, "addr", run->mmio.phys_addr);
	dec(r, "size", run->mmio.len);
	hex(r, "value", value);
	rip(r, vm);
}

void trace_record_exit(struct vm *vm)
{
	struct vm_trace *t = vm->trace;
	struct record r;
	if (!begin(&r, t, "exit"))
		return;
	struct kvm_run *run = vm->run;
	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		io_exit(&r, vm);
		break;
	case KVM_EXIT_MMIO:
		mmio_exit(&r, vm);
		break;
	case KVM_EXIT_HLT:
		word(&r, "reason", "hlt");
		dec(&r, "if", run->if_flag);
		rip(&r, vm);
		t->hlt_ns = host_monotonic_ns();
		break;
	case KVM_EXIT_IRQ_WINDOW_OPEN:
		word(&r, "reason", "irq-window");
		rip(&r, vm);
		break;
	case KVM_EXIT_SHUTDOWN:
		word(&r, "reason", "shutdown");
		rip(&r, vm);
		break;
	case KVM_EXIT_INTERNAL_ERROR:
		word(&r, "reason", "internal-error");
		dec(&r, "suberror", run->internal.suberror);
		rip(&r, vm);
		break;
	case KVM_EXIT_FAIL_ENTRY:
		word(&r, "reason", "fail-entry");
		hex(&r, "hardware_reason", run->fail_entry.hardware_entry_failure_reason);
		break;
	case KVM_EXIT_INTR:
		word(&r, "reason", "intr");
		break;
	default:
		word(&r, "reason", "other");
		dec(&r, "kvm_exit", run->exit_reason);
		break;
	}
	end(&r);
	/* The vCPU may now wait or stop: what it did so far is in the file. */
	if (run->exit_reason == KVM_EXIT_HLT)
		flush(t);
}

void trace_record_wake(struct vm *vm)
{
	struct vm_trace *t = vm->trace;
	struct record r;
	if (!t->hlt_ns || !begin(&r, t, "wake"))
		return;
	uint64_t waited = host_monotonic_ns() - t->hlt_ns;
	t->hlt_ns = 0;
	if (r.json)
		put(&r, ",\"waited_us\":%" PRIu64 ".%03u", waited / 1000, (unsigned)(waited % 1000));
	else
		put(&r, " waited_us=%" PRIu64 ".%03u", waited / 1000, (unsigned)(waited % 1000));
	end(&r);
}

void trace_record_irq(struct vm *vm, unsigned irq, bool level)
{
	struct record r;
	if (!level || vm->irq_level[irq])
		return; /* only rising edges: what the 8259 latches */
	if (!begin(&r, vm->trace, "irq"))
		return;
	dec(&r, "line", irq);
	end(&r);
}

void trace_record_inject(struct vm *vm, int vector)
{
	struct record r;
	/* Asked now: the guest may program other vector bases later. */
	int line = vm->intc->line_of_vector ? vm->intc->line_of_vector(vm->intc_opaque, vector) : -1;
	if (!begin(&r, vm->trace, "inject"))
		return;
	hex(&r, "vector", (uint64_t)vector);
	if (line >= 0)
		dec(&r, "irq", (uint64_t)line);
	else
		put(&r, r.json ? ",\"irq\":null" : " irq=?");
	end(&r);
}

static const char *stop_reason_name(enum vm_stop_reason reason)
{
	switch (reason) {
	case STOP_HALT: return "halt";
	case STOP_GUEST_EXIT: return "guest-exit";
	case STOP_USER: return "user";
	case STOP_TIMEOUT: return "timeout";
	case STOP_TRIPLE_FAULT: return "triple-fault";
	case STOP_KVM_ERROR: return "kvm-error";
	case STOP_HOST_ERROR: return "host-error";
	case STOP_RESET: return "reset";
	default: return "none";
	}
}

int trace_finish(struct vm_trace *t, enum vm_stop_reason reason, int status)
{
	if (!t)
		return 0;
	struct record r;
	if (begin(&r, t, "stop")) {
		word(&r, "reason", stop_reason_name(reason));
		dec(&r, "status", (uint64_t)status);
		end(&r);
	}
	flush(t);
	int lost = t->state == TRACE_LOST ? t->lost_errno : 0;
	if (t->own_fd && close(t->fd) < 0 && !lost && errno != EINTR) {
		lost = errno; /* NFS reports a failed write at close */
		fprintf(stderr, "vmm: trace output lost: %s\n", strerror(lost));
	}
	free(t);
	return lost;
}
