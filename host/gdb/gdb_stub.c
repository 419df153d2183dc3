/*
 * The gdb remote stub (gdb_stub.h): the socket, the stub's thread, the
 * protocol's commands, and the vCPU's parking place.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "gdb_breakpoints.h"
#include "gdb_monitor.h"
#include "gdb_packet.h"
#include "gdb_probe.h"
#include "gdb_stub.h"
#include "guest_access.h"
#include "vm.h"

#define MONITOR_OUT_MAX 16384
/* The parked vCPU re-checks vmm's stop requests (SIGINT, -timeout is not
 * one: it stands still) this often. */
#define PARK_POLL_NS 100000000ull

struct gdb_stub {
	struct vm *vm;
	int listen_fd, client_fd, notify_fd;
	int refused_fd;       /* a second client, told why once it speaks */
	bool refusal_sent;
	char unix_path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	pthread_t thread;
	enum gdb_arch arch;
	struct gdb_host_caps caps;
	bool verbose;

	/* The stub thread's own. */
	struct gdb_reader reader;
	bool no_ack;
	bool waiting_stop_reply; /* gdb resumed the guest and waits for a stop */
	char out[GDB_ENCODED_MAX(GDB_PACKET_MAX)];
	size_t out_len; /* the last packet sent, for a resend after '-' */

	/* Shared, under lock. bps changes only while the vCPU is parked. */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	atomic_bool stop_requested; /* park at the next entry */
	int requested_signal;
	atomic_bool attached;
	bool step_over; /* the vCPU steps off a slot breakpoint, then continues */
	atomic_bool first_wait; /* -S: park before the first instruction, client or not */
	bool parked, resume, quit, ended, single_step;
	int stop_signal, end_status;
	enum gdb_hit hit;
	uint64_t hit_addr;
	struct gdb_breakpoints bps;
};

static void notify(struct gdb_stub *g)
{
	uint64_t one = 1;
	ssize_t n = write(g->notify_fd, &one, sizeof(one));
	(void)n; /* a full counter still wakes the stub */
}

/* --- the vCPU side ------------------------------------------------------- */

/* Waits, with the guest clock paused, until gdb resumes the vCPU or vmm
 * stops the run. vCPU thread only. */
static void park(struct vm *vm, int signal, enum gdb_hit hit, uint64_t addr)
{
	struct gdb_stub *g = vm->gdb;
	pthread_mutex_lock(&g->lock);
	g->parked = true;
	g->resume = false;
	g->stop_signal = signal;
	g->hit = hit;
	g->hit_addr = addr;
	vm_clock_pause(vm); /* devices' time, -timeout and -stats stand still */
	pthread_cond_broadcast(&g->cond);
	notify(g);
	/* A debugger that went away meanwhile (the stop it asked for came
	 * after it left) does not keep the guest: no client, no parking. */
	while (!g->resume && atomic_load(&vm->stop_reason) == STOP_NONE &&
	       (atomic_load(&g->attached) || atomic_load(&g->first_wait))) {
		uint64_t wake = host_monotonic_ns() + PARK_POLL_NS;
		struct timespec ts = { (time_t)(wake / 1000000000ull), (long)(wake % 1000000000ull) };
		pthread_cond_timedwait(&g->cond, &g->lock, &ts);
	}
	g->parked = false;
	vm_clock_resume(vm);
	pthread_mutex_unlock(&g->lock);
}

bool gdb_stub_hold(struct vm *vm)
{
	struct gdb_stub *g = vm->gdb;
	if (!g || !atomic_exchange(&g->stop_requested, false))
		return false;
	park(vm, g->requested_signal, GDB_HIT_NONE, 0);
	return true;
}

bool gdb_stub_single_stepping(struct vm *vm)
{
	return vm->gdb && vm->gdb->single_step;
}

bool gdb_stub_debug_exit(struct vm *vm)
{
	struct gdb_stub *g = vm->gdb;
	if (!g)
		return false;
	uint64_t addr = 0;
	enum gdb_hit hit = gdb_bp_check(&g->bps, vm, &vm->run->debug.arch, &addr);
	if (g->step_over) {
		/* Off the breakpoint's address: now the continue proper. */
		g->step_over = false;
		struct kvm_guest_debug dbg;
		gdb_bp_debug_config(&g->bps, false, GDB_NO_ADDR, &dbg);
		ioctl(vm->vcpu_fd, KVM_SET_GUEST_DEBUG, &dbg);
	}
	/* Stepping to serve breakpoints gdb wanted by continuing: go on. */
	if (hit == GDB_HIT_STEP && !g->single_step)
		return true;
	if (!atomic_load(&g->attached)) {
		/* Left over from a debugger gone: switch guest debugging off. */
		struct kvm_guest_debug off = { .control = 0 };
		ioctl(vm->vcpu_fd, KVM_SET_GUEST_DEBUG, &off);
		return true;
	}
	park(vm, GDB_SIGTRAP, hit, addr);
	return true;
}

void gdb_stub_crash(struct vm *vm, int gdb_signal)
{
	struct gdb_stub *g = vm->gdb;
	if (!g || !atomic_load(&g->attached))
		return;
	fprintf(stderr, "vmm: gdb: the guest stopped in gdb at the crash (continue, detach or kill to end the run)\n");
	park(vm, gdb_signal, GDB_HIT_NONE, 0);
}

/* Asks the vCPU to park, the run loop's way (immediate_exit, then a kick). */
static void request_stop(struct gdb_stub *g, int signal)
{
	g->requested_signal = signal;
	atomic_store(&g->stop_requested, true);
	g->vm->run->immediate_exit = 1;
	vm_wake_vcpu(g->vm);
}

/* --- sending ------------------------------------------------------------- */

static void send_all(struct gdb_stub *g, const char *buf, size_t len)
{
	while (len > 0 && g->client_fd >= 0) {
		ssize_t n = send(g->client_fd, buf, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return; /* the connection is gone: the reader sees EOF next */
		buf += n;
		len -= (size_t)n;
	}
}

static void send_packet(struct gdb_stub *g, const void *payload, size_t len)
{
	g->out_len = gdb_packet_encode(payload, len, g->out, sizeof(g->out));
	send_all(g, g->out, g->out_len);
}

static void send_str(struct gdb_stub *g, const char *s)
{
	send_packet(g, s, strlen(s));
}

static void send_stop_reply(struct gdb_stub *g)
{
	char reply[64];
	static const char *const kinds[] = {
		[GDB_HIT_SWBREAK] = "swbreak:;", [GDB_HIT_HWBREAK] = "hwbreak:;",
	};
	static const char *const watches[] = {
		[GDB_HIT_WATCH] = "watch", [GDB_HIT_RWATCH] = "rwatch", [GDB_HIT_AWATCH] = "awatch",
	};
	if (g->ended) {
		snprintf(reply, sizeof(reply), "W%02x", g->end_status & 0xff);
	} else if (g->hit == GDB_HIT_WATCH || g->hit == GDB_HIT_RWATCH || g->hit == GDB_HIT_AWATCH) {
		snprintf(reply, sizeof(reply), "T%02xthread:1;%s:%llx;", g->stop_signal, watches[g->hit],
			 (unsigned long long)g->hit_addr);
	} else {
		const char *kind = g->hit == GDB_HIT_SWBREAK || g->hit == GDB_HIT_HWBREAK ? kinds[g->hit] : "";
		snprintf(reply, sizeof(reply), "T%02xthread:1;%s", g->stop_signal, kind);
	}
	send_str(g, reply);
}

/* --- commands ------------------------------------------------------------ */

/* Waits (stub thread) until the vCPU is parked or the run ended. */
static void wait_parked(struct gdb_stub *g)
{
	pthread_mutex_lock(&g->lock);
	while (!g->parked && !g->ended && !g->quit)
		pthread_cond_wait(&g->cond, &g->lock);
	pthread_mutex_unlock(&g->lock);
}

static bool vcpu_parked(struct gdb_stub *g)
{
	pthread_mutex_lock(&g->lock);
	bool parked = g->parked;
	pthread_mutex_unlock(&g->lock);
	return parked;
}

static void apply_debug_state(struct gdb_stub *g, bool single_step, uint64_t skip_exec_at)
{
	struct kvm_guest_debug dbg;
	gdb_bp_debug_config(&g->bps, single_step, skip_exec_at, &dbg);
	if (ioctl(g->vm->vcpu_fd, KVM_SET_GUEST_DEBUG, &dbg) < 0)
		fprintf(stderr, "vmm: gdb: KVM_SET_GUEST_DEBUG: %s\n", strerror(errno));
}

/* The linear address the vCPU executes next (CS base + RIP). */
static uint64_t linear_pc(struct vm *vm)
{
	struct kvm_regs r;
	struct kvm_sregs s;
	if (vm_get_regs(vm, &r) < 0 || vm_get_sregs(vm, &s) < 0)
		return GDB_NO_ADDR;
	return s.cs.base + r.rip;
}

/* Lets the parked vCPU go: single_step for 's', else a continue. A
 * continue from a debug-register breakpoint's own address (gdb steps over
 * its breakpoints itself, but a client with another idea of the pc does
 * not) first steps one instruction without it, or it would hit at once. */
static void resume(struct gdb_stub *g, bool single_step, bool reply_expected)
{
	if (!vcpu_parked(g))
		return;
	uint64_t pc = linear_pc(g->vm);
	bool step_over = !single_step && gdb_bp_slot_exec_at(&g->bps, pc);
	apply_debug_state(g, single_step || step_over, step_over ? pc : GDB_NO_ADDR);
	gdb_bp_snapshot(&g->bps, g->vm);
	pthread_mutex_lock(&g->lock);
	g->step_over = step_over;
	g->single_step = single_step;
	g->resume = true;
	pthread_cond_broadcast(&g->cond);
	pthread_mutex_unlock(&g->lock);
	g->waiting_stop_reply = reply_expected;
}

static void close_client(struct gdb_stub *g)
{
	if (g->client_fd >= 0)
		close(g->client_fd);
	g->client_fd = -1;
	g->waiting_stop_reply = false;
	atomic_store(&g->attached, false);
}

/* D, or the connection closed: nothing of gdb's stays in the guest. */
static void detach(struct gdb_stub *g)
{
	atomic_store(&g->stop_requested, false);
	close_client(g);
	if (vcpu_parked(g)) {
		gdb_bp_remove_all(&g->bps, g->vm);
		resume(g, false, false);
	}
}

static void read_memory(struct gdb_stub *g, const char *args)
{
	uint64_t addr, len;
	if (gdb_parse_addr_len(&args, &addr, &len, '\0') < 0) {
		send_str(g, "E01");
		return;
	}
	static uint8_t buf[GDB_PACKET_MAX / 2];
	static char hex[GDB_PACKET_MAX + 1];
	if (len > sizeof(buf) - 1)
		len = sizeof(buf) - 1; /* gdb asks again for the rest */
	/* Page by page, so a read running into an unmapped page returns what
	 * came before it (gdb's rule for 'm'). */
	uint64_t done = 0;
	while (done < len) {
		uint64_t chunk = 0x1000 - ((addr + done) & 0xfff);
		if (chunk > len - done)
			chunk = len - done;
		if (vm_copy_from_gva(g->vm, addr + done, buf + done, chunk) < 0)
			break;
		done += chunk;
	}
	if (done == 0 && len > 0) {
		send_str(g, "E14"); /* EFAULT */
		return;
	}
	gdb_bp_unpatch_read(&g->bps, addr, buf, done);
	gdb_hex_encode(buf, done, hex);
	send_str(g, hex);
}

/* M addr,len:hex and X addr,len:binary (the reader undid the escapes). */
static void write_memory(struct gdb_stub *g, const char *args, size_t args_len, bool binary)
{
	const char *p = args;
	uint64_t addr, len;
	static uint8_t buf[GDB_PACKET_MAX];
	if (gdb_parse_addr_len(&p, &addr, &len, ':') < 0 || len > sizeof(buf)) {
		send_str(g, "E01");
		return;
	}
	size_t have = args_len - (size_t)(p - args);
	if (binary ? have != len : (have != 2 * len || gdb_hex_decode(p, buf, len) < 0)) {
		send_str(g, "E01");
		return;
	}
	if (binary)
		memcpy(buf, p, len);
	if (vm_copy_to_gva(g->vm, addr, buf, len) < 0) {
		send_str(g, "E14");
		return;
	}
	gdb_bp_repatch_write(&g->bps, g->vm, addr, buf, len);
	send_str(g, "OK");
}

static void read_registers(struct gdb_stub *g)
{
	uint8_t regs[GDB_REGS_MAX_BYTES];
	char hex[2 * GDB_REGS_MAX_BYTES + 1];
	int n = gdb_regs_read(g->vm, g->arch, regs);
	if (n < 0) {
		send_str(g, "E05");
		return;
	}
	gdb_hex_encode(regs, (size_t)n, hex);
	send_str(g, hex);
}

static void write_registers(struct gdb_stub *g, const char *hex, size_t len)
{
	uint8_t regs[GDB_REGS_MAX_BYTES];
	/* Exactly the layout's size: a client that took another layout (it
	 * rejected vmm's description) would write registers into wrong places. */
	if (len != 2 * gdb_regs_size(g->arch) || gdb_hex_decode(hex, regs, len / 2) < 0) {
		send_str(g, "E01");
		return;
	}
	send_str(g, gdb_regs_write(g->vm, g->arch, regs, len / 2) < 0 ? "E05" : "OK");
}

static void read_register(struct gdb_stub *g, const char *args)
{
	uint64_t regno;
	uint8_t val[16];
	char hex[33];
	int n;
	if (gdb_parse_hex(&args, &regno) < 0 || *args ||
	    (n = gdb_reg_read(g->vm, g->arch, (int)regno, val)) < 0) {
		send_str(g, "E01");
		return;
	}
	gdb_hex_encode(val, (size_t)n, hex);
	send_str(g, hex);
}

static void write_register(struct gdb_stub *g, const char *args)
{
	uint64_t regno;
	uint8_t val[16];
	if (gdb_parse_hex(&args, &regno) < 0 || *args++ != '=' || strlen(args) % 2 ||
	    strlen(args) / 2 > sizeof(val) || gdb_hex_decode(args, val, strlen(args) / 2) < 0 ||
	    regno > 1000) {
		send_str(g, "E01");
		return;
	}
	int rc = gdb_reg_write(g->vm, g->arch, (int)regno, val, strlen(args) / 2);
	send_str(g, rc < 0 ? "E01" : "OK");
}

/* Z/z TYPE,ADDR,KIND[;conditions] */
static void breakpoint(struct gdb_stub *g, const char *p, bool insert)
{
	uint64_t addr, kind;
	int type = p[1] - '0';
	const char *args = p + 2;
	if (type < 0 || type > 4 || *args++ != ',' || gdb_parse_hex(&args, &addr) < 0 ||
	    *args++ != ',' || gdb_parse_hex(&args, &kind) < 0 || (*args && *args != ';')) {
		send_str(g, "E01");
		return;
	}
	if (!insert) {
		gdb_bp_remove(&g->bps, g->vm, (enum gdb_bp_type)type, addr, (unsigned)kind);
		send_str(g, "OK"); /* removing what is not there is not an error */
		return;
	}
	int rc = gdb_bp_insert(&g->bps, g->vm, (enum gdb_bp_type)type, addr, (unsigned)kind);
	send_str(g, rc == 0 ? "OK" : rc > 0 ? "" : "E22");
}

static void monitor(struct gdb_stub *g, const char *hex)
{
	static char cmd[GDB_PACKET_MAX / 2 + 1];
	static char out[MONITOR_OUT_MAX];
	size_t n = strlen(hex) / 2;
	if (strlen(hex) % 2 || gdb_hex_decode(hex, cmd, n) < 0) {
		send_str(g, "E01");
		return;
	}
	cmd[n] = '\0';
	int quit = 0;
	out[0] = '\0';
	gdb_monitor_command(g->vm, cmd, out, sizeof(out), &quit);
	/* The text as O packets (console output), then OK. */
	static char pkt[GDB_PACKET_MAX + 1];
	size_t len = strlen(out), per = (GDB_PACKET_MAX - 2) / 2;
	for (size_t off = 0; off < len; off += per) {
		size_t chunk = len - off < per ? len - off : per;
		pkt[0] = 'O';
		gdb_hex_encode(out + off, chunk, pkt + 1);
		send_str(g, pkt);
	}
	send_str(g, "OK");
	if (quit) {
		vm_request_stop(g->vm, STOP_GUEST_EXIT, GDB_KILL_STATUS);
		close_client(g);
	}
}

static void xfer_features(struct gdb_stub *g, const char *args)
{
	const char *name = "target.xml:";
	if (strncmp(args, name, strlen(name)) != 0) {
		send_str(g, "E00");
		return;
	}
	args += strlen(name);
	uint64_t off, len;
	if (gdb_parse_addr_len(&args, &off, &len, '\0') < 0) {
		send_str(g, "E01");
		return;
	}
	const char *xml = gdb_target_xml(g->arch);
	size_t total = strlen(xml);
	static char reply[GDB_PACKET_MAX + 1];
	if (len > GDB_PACKET_MAX - 1)
		len = GDB_PACKET_MAX - 1;
	if (off >= total) {
		send_str(g, "l");
		return;
	}
	size_t n = total - off < len ? total - off : len;
	reply[0] = off + n >= total ? 'l' : 'm';
	memcpy(reply + 1, xml + off, n);
	send_packet(g, reply, n + 1);
}

static void query(struct gdb_stub *g, const char *p)
{
	if (!strncmp(p, "qSupported", 10)) {
		char reply[160];
		snprintf(reply, sizeof(reply),
			 "PacketSize=%x;qXfer:features:read+;swbreak+;hwbreak+;vContSupported+;QStartNoAckMode+",
			 GDB_PACKET_MAX);
		send_str(g, reply);
	} else if (!strncmp(p, "qXfer:features:read:", 20)) {
		xfer_features(g, p + 20);
	} else if (!strcmp(p, "qAttached") || !strncmp(p, "qAttached:", 10)) {
		send_str(g, "1"); /* attached to a running guest: detach, not kill, on quit */
	} else if (!strcmp(p, "qC")) {
		send_str(g, "QC1");
	} else if (!strcmp(p, "qfThreadInfo")) {
		send_str(g, "m1");
	} else if (!strcmp(p, "qsThreadInfo")) {
		send_str(g, "l");
	} else if (!strncmp(p, "qRcmd,", 6)) {
		if (vcpu_parked(g))
			monitor(g, p + 6);
		else
			send_str(g, "E01");
	} else {
		send_str(g, ""); /* not supported */
	}
}

/* vCont;ACTION[:thread][;ACTION...]: one thread, so the first action is
 * the one for it. */
static void vcont(struct gdb_stub *g, const char *p)
{
	if (!strcmp(p, "vCont?")) {
		send_str(g, "vCont;c;C;s;S;t");
		return;
	}
	char action = p[5] == ';' ? p[6] : 0;
	if (action == 'c' || action == 'C')
		resume(g, false, true);
	else if (action == 's' || action == 'S')
		resume(g, true, true);
	else if (action == 't')
		request_stop(g, GDB_SIGINT);
	else
		send_str(g, "E01");
}

/* The commands that need the vCPU parked (all-stop mode: gdb sends them
 * only while the guest is stopped; a confused client gets an error). */
static bool needs_parked(char c)
{
	return strchr("gGpPmMXZzcsCS", c) != NULL;
}

static void handle_packet(struct gdb_stub *g, const char *p, size_t len)
{
	if (len == 0) {
		send_str(g, "");
		return;
	}
	if (needs_parked(p[0]) && !vcpu_parked(g)) {
		send_str(g, "E05");
		return;
	}
	switch (p[0]) {
	case '?':
		wait_parked(g);
		send_stop_reply(g);
		break;
	case 'q': query(g, p); break;
	case 'Q':
		if (!strcmp(p, "QStartNoAckMode")) {
			send_str(g, "OK");
			g->no_ack = true;
		} else {
			send_str(g, "");
		}
		break;
	case 'g': read_registers(g); break;
	case 'G': write_registers(g, p + 1, len - 1); break;
	case 'p': read_register(g, p + 1); break;
	case 'P': write_register(g, p + 1); break;
	case 'm': read_memory(g, p + 1); break;
	case 'M': write_memory(g, p + 1, len - 1, false); break;
	case 'X': write_memory(g, p + 1, len - 1, true); break;
	case 'c': case 'C': resume(g, false, true); break;
	case 's': case 'S': resume(g, true, true); break;
	case 'v':
		if (!strncmp(p, "vCont", 5))
			vcont(g, p);
		else if (!strncmp(p, "vKill", 5))
			goto kill;
		else
			send_str(g, "");
		break;
	case 'Z': case 'z': breakpoint(g, p, p[0] == 'Z'); break;
	case 'H': case 'T': send_str(g, "OK"); break; /* one thread, always alive */
	case 'D':
		send_str(g, "OK");
		if (g->verbose)
			fprintf(stderr, "vmm: gdb: detached; the guest runs on\n");
		detach(g);
		break;
	case 'k':
	kill:
		fprintf(stderr, "vmm: gdb: killed by the debugger\n");
		vm_request_stop(g->vm, STOP_GUEST_EXIT, GDB_KILL_STATUS);
		if (p[0] == 'v')
			send_str(g, "OK");
		close_client(g);
		break;
	default:
		send_str(g, "");
	}
}

static void on_bytes(struct gdb_stub *g, const uint8_t *buf, size_t n)
{
	for (size_t i = 0; i < n && g->client_fd >= 0; i++) {
		switch (gdb_reader_feed(&g->reader, buf[i])) {
		case GDB_FEED_PACKET:
			if (!g->no_ack)
				send_all(g, "+", 1);
			handle_packet(g, g->reader.buf, g->reader.len);
			break;
		case GDB_FEED_BAD_PACKET:
			if (!g->no_ack)
				send_all(g, "-", 1);
			break;
		case GDB_FEED_NACK:
			send_all(g, g->out, g->out_len);
			break;
		case GDB_FEED_INTERRUPT:
			if (!vcpu_parked(g))
				request_stop(g, GDB_SIGINT);
			break;
		default:
			break;
		}
	}
}

/* --- the stub's thread --------------------------------------------------- */

static void accept_client(struct gdb_stub *g)
{
	int fd = accept4(g->listen_fd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		return;
	if (g->client_fd >= 0) {
		/* One debugger at a time: the second is answered (refuse_more)
		 * once it has sent its first packet, then let go. */
		if (g->refused_fd >= 0)
			close(g->refused_fd);
		g->refused_fd = fd;
		g->refusal_sent = false;
		fprintf(stderr, "vmm: gdb: refused a second debugger (one is attached)\n");
		return;
	}
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)); /* fails harmlessly on unix sockets */
	g->client_fd = fd;
	g->no_ack = false;
	g->waiting_stop_reply = false;
	gdb_reader_init(&g->reader);
	atomic_store(&g->attached, true);
	atomic_store(&g->first_wait, false);
	if (g->verbose)
		fprintf(stderr, "vmm: gdb: debugger attached\n");
	/* gdb expects the guest stopped once it is attached (as QEMU does). */
	if (!vcpu_parked(g))
		request_stop(g, GDB_SIGTRAP);
}

/* The refused client spoke: its first packet gets an error reply gdb prints
 * ("Remote failure reply: E.vmm: another debugger ..."), then vmm stops
 * writing; the socket closes when gdb closes it (closing first, with its
 * bytes unread, would reset the connection and lose the reply). */
static void refuse_more(struct gdb_stub *g)
{
	char buf[1024];
	ssize_t n = read(g->refused_fd, buf, sizeof(buf));
	if (n <= 0) {
		close(g->refused_fd);
		g->refused_fd = -1;
		return;
	}
	if (g->refusal_sent)
		return;
	static const char msg[] = "E.vmm: another debugger is already attached to this guest";
	char pkt[GDB_ENCODED_MAX(sizeof(msg)) + 1];
	pkt[0] = '+';
	size_t len = 1 + gdb_packet_encode(msg, sizeof(msg) - 1, pkt + 1, sizeof(pkt) - 1);
	ssize_t w = send(g->refused_fd, pkt, len, MSG_NOSIGNAL | MSG_DONTWAIT);
	(void)w;
	shutdown(g->refused_fd, SHUT_WR);
	g->refusal_sent = true;
}

/* The vCPU parked or the run ended: answer the 'c'/'s' gdb waits on. */
static void on_notify(struct gdb_stub *g)
{
	uint64_t count;
	ssize_t n = read(g->notify_fd, &count, sizeof(count));
	(void)n;
	pthread_mutex_lock(&g->lock);
	bool parked = g->parked, ended = g->ended;
	pthread_mutex_unlock(&g->lock);
	if (g->client_fd < 0)
		return;
	if (ended) {
		send_stop_reply(g); /* W status */
		close_client(g);
	} else if (parked && g->waiting_stop_reply) {
		g->waiting_stop_reply = false;
		send_stop_reply(g);
	}
}

static void *stub_thread_main(void *arg)
{
	struct gdb_stub *g = arg;
	for (;;) {
		pthread_mutex_lock(&g->lock);
		bool quit = g->quit, ended = g->ended;
		pthread_mutex_unlock(&g->lock);
		if (quit) {
			if (ended && g->client_fd >= 0)
				send_stop_reply(g); /* W status, if on_notify has not sent it */
			break;
		}
		struct pollfd fds[4] = { /* a negative fd is skipped */
			{ .fd = g->notify_fd, .events = POLLIN },
			{ .fd = g->listen_fd, .events = POLLIN },
			{ .fd = g->client_fd, .events = POLLIN },
			{ .fd = g->refused_fd, .events = POLLIN },
		};
		if (ppoll(fds, 4, NULL, NULL) < 0)
			continue;
		if (g->refused_fd >= 0 && fds[3].fd == g->refused_fd && fds[3].revents)
			refuse_more(g);
		if (fds[0].revents)
			on_notify(g);
		if (fds[1].revents)
			accept_client(g);
		if (g->client_fd >= 0 && fds[2].fd == g->client_fd && fds[2].revents) {
			uint8_t buf[4096];
			ssize_t n = read(g->client_fd, buf, sizeof(buf));
			if (n > 0) {
				on_bytes(g, buf, (size_t)n);
			} else if (n == 0 || errno != EINTR) {
				if (g->verbose)
					fprintf(stderr, "vmm: gdb: connection closed; the guest runs on\n");
				detach(g);
			}
		}
	}
	return NULL;
}

/* --- setup --------------------------------------------------------------- */

struct listen_addr {
	bool is_unix;
	char host[256];
	int port;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
};

static int parse_spec(const char *spec, struct listen_addr *a, char *err, size_t errlen)
{
	memset(a, 0, sizeof(*a));
	if (!strncmp(spec, "unix:", 5)) {
		a->is_unix = true;
		if (!spec[5] || strlen(spec + 5) >= sizeof(a->path)) {
			snprintf(err, errlen, "bad -gdb '%s': give unix:PATH (at most %zu bytes)", spec,
				 sizeof(a->path) - 1);
			return -1;
		}
		strcpy(a->path, spec + 5);
		return 0;
	}
	const char *colon = strncmp(spec, "tcp:", 4) ? NULL : strrchr(spec + 4, ':');
	char *end;
	long port = colon ? strtol(colon + 1, &end, 10) : -1;
	if (!colon || !colon[1] || *end || port < 0 || port > 65535 ||
	    (size_t)(colon - (spec + 4)) >= sizeof(a->host)) {
		snprintf(err, errlen, "bad -gdb '%s': use tcp::PORT, tcp:HOST:PORT or unix:PATH", spec);
		return -1;
	}
	snprintf(a->host, sizeof(a->host), "%.*s", (int)(colon - (spec + 4)), spec + 4);
	if (!a->host[0])
		strcpy(a->host, "127.0.0.1"); /* never every interface unless asked */
	a->port = (int)port;
	return 0;
}

int gdb_stub_parse_spec(const char *spec, char *err, size_t errlen)
{
	struct listen_addr a;
	return parse_spec(spec, &a, err, errlen);
}

static int listen_tcp(const struct listen_addr *a, char *shown, size_t shown_len, char *err,
		      size_t errlen)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_PASSIVE };
	struct addrinfo *res;
	char port[8];
	snprintf(port, sizeof(port), "%d", a->port);
	int rc = getaddrinfo(a->host, port, &hints, &res);
	if (rc) {
		snprintf(err, errlen, "-gdb: host '%s': %s", a->host, gai_strerror(rc));
		return -1;
	}
	int fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int one = 1;
	if (fd >= 0)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (fd < 0 || bind(fd, res->ai_addr, res->ai_addrlen) < 0 || listen(fd, 1) < 0) {
		snprintf(err, errlen, "-gdb: cannot listen on %s:%d: %s", a->host, a->port, strerror(errno));
		if (fd >= 0)
			close(fd);
		freeaddrinfo(res);
		return -1;
	}
	freeaddrinfo(res);
	/* The port actually bound (tcp::0 picks a free one). */
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	char host[INET6_ADDRSTRLEN] = "?";
	int bound = a->port;
	if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0) {
		if (ss.ss_family == AF_INET) {
			struct sockaddr_in *in = (struct sockaddr_in *)&ss;
			inet_ntop(AF_INET, &in->sin_addr, host, sizeof(host));
			bound = ntohs(in->sin_port);
		} else if (ss.ss_family == AF_INET6) {
			struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
			inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
			bound = ntohs(in6->sin6_port);
		}
	}
	snprintf(shown, shown_len, "%s:%d", host, bound);
	return fd;
}

static int listen_unix(const struct listen_addr *a, char *err, size_t errlen)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	strcpy(sun.sun_path, a->path);
	/* A socket left by an earlier run is replaced; any other file is not. */
	struct stat st;
	if (lstat(a->path, &st) == 0 && S_ISSOCK(st.st_mode))
		unlink(a->path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 || listen(fd, 1) < 0) {
		snprintf(err, errlen, "-gdb: cannot listen on %s: %s", a->path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static void report_caps(const struct gdb_stub *g)
{
	fprintf(stderr, "vmm: gdb: %s register layout%s\n", gdb_arch_name(g->arch),
		g->arch == GDB_ARCH_I386 ? " (also for real mode)" : "");
	fprintf(stderr, "vmm: gdb: breakpoints: %s\n",
		g->caps.int3 ? "int3 patching (any number)"
			     : g->caps.hw_break
				       ? "KVM cannot report int3 here: served by the 4 debug registers, "
					 "beyond 4 by single-stepping with an address check (slow but correct)"
				       : "KVM reports no breakpoints here: all served by single-stepping (slow)");
	fprintf(stderr, "vmm: gdb: watchpoints: %s\n",
		g->caps.data_watch ? "debug registers (4, shared with hbreak)"
				   : "KVM's data breakpoints never fire here: write watches by "
				     "single-stepping and comparing; rwatch/awatch refused");
}

int gdb_stub_start(struct vm *vm, const struct gdb_stub_config *cfg, char *err, size_t errlen,
		   bool *usage)
{
	struct listen_addr a;
	*usage = false;
	if (parse_spec(cfg->spec, &a, err, errlen) < 0) {
		*usage = true;
		return -1;
	}
	struct gdb_stub *g = calloc(1, sizeof(*g));
	if (!g) {
		snprintf(err, errlen, "-gdb: out of memory");
		return -1;
	}
	g->vm = vm;
	g->client_fd = -1;
	g->refused_fd = -1;
	g->verbose = cfg->verbose;
	char shown[300];
	if (a.is_unix) {
		g->listen_fd = listen_unix(&a, err, errlen);
		snprintf(shown, sizeof(shown), "%s", a.path);
		strcpy(g->unix_path, a.path);
	} else {
		g->listen_fd = listen_tcp(&a, shown, sizeof(shown), err, errlen);
	}
	g->notify_fd = g->listen_fd < 0 ? -1 : eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (g->listen_fd < 0 || g->notify_fd < 0) {
		if (g->listen_fd >= 0) {
			snprintf(err, errlen, "-gdb: eventfd: %s", strerror(errno));
			close(g->listen_fd);
		}
		free(g);
		return -1;
	}
	gdb_probe_host(&g->caps);
	/* Without instruction breakpoints in the debug registers, Z1 and Z0
	 * both fall back to stepping; the breakpoints table sees it as "no
	 * int3" and the slot exits simply never come. */
	gdb_bp_init(&g->bps, g->caps.int3, g->caps.data_watch);
	g->arch = cfg->arch_forced ? cfg->arch : gdb_arch_of_vcpu(vm);
	pthread_mutex_init(&g->lock, NULL);
	pthread_condattr_t attr;
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&g->cond, &attr);
	pthread_condattr_destroy(&attr);
	if (cfg->wait) {
		g->requested_signal = GDB_SIGTRAP;
		atomic_store(&g->stop_requested, true);
		atomic_store(&g->first_wait, true);
	}
	vm->gdb = g;
	if (pthread_create(&g->thread, NULL, stub_thread_main, g) != 0) {
		vm->gdb = NULL;
		close(g->listen_fd);
		close(g->notify_fd);
		free(g);
		snprintf(err, errlen, "-gdb: cannot start the stub's thread");
		return -1;
	}
	fprintf(stderr, "vmm: gdb: listening on %s%s\n", shown,
		cfg->wait ? "; the guest waits for gdb before its first instruction" : "");
	if (cfg->verbose)
		report_caps(g);
	return 0;
}

void gdb_stub_guest_ended(struct vm *vm, int status)
{
	struct gdb_stub *g = vm->gdb;
	if (!g)
		return;
	pthread_mutex_lock(&g->lock);
	g->ended = true;
	g->end_status = status;
	pthread_cond_broadcast(&g->cond);
	pthread_mutex_unlock(&g->lock);
	notify(g);
}

void gdb_stub_stop(struct vm *vm)
{
	struct gdb_stub *g = vm->gdb;
	if (!g)
		return;
	pthread_mutex_lock(&g->lock);
	g->quit = true;
	pthread_cond_broadcast(&g->cond);
	pthread_mutex_unlock(&g->lock);
	notify(g);
	pthread_join(g->thread, NULL);
	/* An attached gdb learns the end from the W packet or the close. */
	if (g->client_fd >= 0)
		close(g->client_fd);
	if (g->refused_fd >= 0)
		close(g->refused_fd);
	close(g->listen_fd);
	close(g->notify_fd);
	pthread_cond_destroy(&g->cond);
	pthread_mutex_destroy(&g->lock);
	vm->gdb = NULL;
	free(g);
}
