#include "qemu_options.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* QEMU options a QEMU user is likely to type, and why vmm has none. Options
 * vmm does have (-serial, -rtc, -append, -initrd, -display, -vga, -sandbox)
 * are not here: their values say what vmm supports. */
static const struct {
	const char *name;
	const char *reason;
} qemu_only[] = {
	{ "cdrom", "vmm boots a kernel or flat binary (vmm FILE, -kernel FILE), not a CD image" },
	{ "fda", "vmm has no floppy drive" },
	{ "fdb", "vmm has no floppy drive" },
	{ "hdb", "vmm has one disk, the IDE master (-hda FILE)" },
	{ "hdc", "vmm has one disk, the IDE master (-hda FILE)" },
	{ "hdd", "vmm has one disk, the IDE master (-hda FILE)" },
	{ "blockdev", "vmm's one disk is a raw image: -hda FILE or -drive file=FILE,format=raw" },
	{ "snapshot", "vmm writes to the disk image itself; -disk FILE,ro opens it read-only" },
	{ "smp", "vmm runs one vCPU" },
	{ "cpu", "the guest sees the host's CPU as KVM offers it, with vmm's hypervisor leaf" },
	{ "machine", "vmm's machine is fixed: a PC with the devices that vmm --help lists" },
	{ "M", "vmm's machine is fixed: a PC with the devices that vmm --help lists" },
	{ "bios", "vmm has no firmware: it loads the guest itself" },
	{ "pflash", "vmm has no firmware: it loads the guest itself" },
	{ "L", "vmm has no firmware: it loads the guest itself" },
	{ "boot", "vmm has no firmware: it starts the guest file itself" },
	{ "netdev", "vmm has no network device" },
	{ "net", "vmm has no network device" },
	{ "nic", "vmm has no network device" },
	{ "usb", "vmm has no USB controller" },
	{ "usbdevice", "vmm has no USB controller" },
	{ "audiodev", "vmm has no sound device" },
	{ "soundhw", "vmm has no sound device" },
	{ "parallel", "vmm has no parallel port" },
	{ "chardev", "vmm's one character device is COM1: -serial SPEC" },
	{ "qmp", "vmm has no monitor: quit with Ctrl-A x, or stop the guest with -timeout" },
	{ "mon", "vmm has no monitor: quit with Ctrl-A x, or stop the guest with -timeout" },
	{ "echr", "vmm's terminal escape is Ctrl-A" },
	{ "vnc", "vmm's displays are -display sdl, term or none" },
	{ "spice", "vmm's displays are -display sdl, term or none" },
	{ "sdl", "use -display sdl" },
	{ "curses", "use -display term (the text screen in this terminal)" },
	{ "full-screen", "vmm's window has one size, 720x400" },
	{ "D", "vmm writes its diagnostics to stderr" },
	{ "icount", "vmm runs the guest on KVM, not QEMU's instruction emulator" },
	{ "singlestep", "vmm runs the guest on KVM, not QEMU's instruction emulator" },
	{ "one-insn-per-tb", "vmm runs the guest on KVM, not QEMU's instruction emulator" },
	{ "loadvm", "vmm has no snapshots" },
	{ "incoming", "vmm has no migration" },
	{ "object", "vmm has no QEMU objects" },
	{ "global", "vmm's devices have no properties to set" },
	{ "numa", "vmm has one memory node" },
	{ "mem-path", "vmm's guest RAM is anonymous memory" },
	{ "mem-prealloc", "vmm's guest RAM is anonymous memory" },
	{ "watchdog", "vmm has no watchdog device" },
	{ "watchdog-action", "vmm has no watchdog device" },
	{ "daemonize", "vmm runs in the foreground" },
	{ "pidfile", "vmm writes no pid file" },
	{ "name", "vmm runs one guest and names it by its file" },
	{ "k", "vmm's keyboard takes the host's key codes; no layout is needed" },
	{ "dtb", "vmm has no device tree" },
	{ "fw_cfg", "vmm has no firmware configuration device" },
	{ "semihosting", "vmm has no semihosting" },
	{ "virtfs", "vmm shares no host directory" },
	{ "readconfig", "vmm takes its options on the command line only" },
	{ "nodefaults", "vmm's devices are fixed (-serial none removes COM1)" },
};

const char *qemu_unsupported_reason(const char *name)
{
	for (size_t i = 0; i < sizeof(qemu_only) / sizeof(qemu_only[0]); i++)
		if (!strcmp(name, qemu_only[i].name))
			return qemu_only[i].reason;
	return NULL;
}

int qemu_parse_mem_size(const char *s, uint64_t *out, char *err, size_t errlen)
{
	const char *given = s;
	if (!strncmp(s, "size=", 5))
		s += 5;
	char *end;
	unsigned long long v = strtoull(s, &end, 0);
	if (end == s || s[0] == '-' || s[0] == '+') {
		snprintf(err, errlen, "bad memory size '%s'", given);
		return -1;
	}
	unsigned shift = 20; /* QEMU: a bare number is MiB */
	switch (*end) {
	case 'b': case 'B': shift = 0; end++; break;
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	case 't': case 'T': shift = 40; end++; break;
	default: break;
	}
	if (*end == ',') {
		snprintf(err, errlen, "bad memory size '%s': vmm has no memory hotplug (slots=, maxmem=)", given);
		return -1;
	}
	if (*end != '\0' || v > (UINT64_MAX >> shift)) {
		snprintf(err, errlen, "bad memory size '%s'", given);
		return -1;
	}
	*out = (uint64_t)v << shift;
	return 0;
}

/* One "key=value" item of a QEMU option string, ",," unescaped to ",". */
static const char *next_item(const char *s, char *item, size_t size)
{
	size_t n = 0;
	for (; *s; s++) {
		if (*s == ',') {
			if (s[1] != ',')
				break;
			s++; /* ",," is a comma */
		}
		if (n + 1 < size)
			item[n++] = *s;
	}
	item[n] = '\0';
	return *s == ',' ? s + 1 : s;
}

static int parse_on_off(const char *value, bool *out)
{
	static const char *const on[] = { "on", "yes", "true" }, *const off[] = { "off", "no", "false" };
	for (size_t i = 0; i < 3; i++) {
		if (!strcmp(value, on[i]))
			return *out = true, 0;
		if (!strcmp(value, off[i]))
			return *out = false, 0;
	}
	return -1;
}

int qemu_check_device(const char *spec, char *err, size_t errlen)
{
	char item[256];
	const char *s = next_item(spec, item, sizeof(item));
	if (strcmp(item, "isa-debug-exit")) {
		snprintf(err, errlen, "vmm's devices are fixed (vmm --help lists them); "
			 "-device isa-debug-exit,iobase=0xf4,iosize=4 is accepted");
		return -1;
	}
	bool at_f4 = false;
	while (*s) {
		s = next_item(s, item, sizeof(item));
		char *value = strchr(item, '=');
		char *end = NULL;
		unsigned long v = value ? strtoul(value + 1, &end, 0) : 0;
		bool number = value && end != value + 1 && *end == '\0';
		if (value && !strncmp(item, "iobase=", 7) && number && v == 0xf4)
			at_f4 = true;
		else if (!(value && !strncmp(item, "iosize=", 7) && number && v >= 1 && v <= 4)) {
			snprintf(err, errlen, "vmm's isa-debug-exit is at iobase=0xf4,iosize=4 ('%s')", item);
			return -1;
		}
	}
	if (!at_f4) {
		snprintf(err, errlen, "vmm's isa-debug-exit is at iobase=0xf4,iosize=4 (QEMU's default iobase is 0x501)");
		return -1;
	}
	return 0;
}

int qemu_parse_drive(const char *spec, struct qemu_drive *out, char *err, size_t errlen)
{
	static char file[4096];
	char item[4096];
	bool have_file = false;
	*out = (struct qemu_drive){ 0 };
	for (const char *s = spec; *s;) {
		s = next_item(s, item, sizeof(item));
		char *value = strchr(item, '=');
		if (!value) {
			snprintf(err, errlen, "-drive '%s': '%s' is not key=value", spec, item);
			return -1;
		}
		*value++ = '\0';
		if (!strcmp(item, "file")) {
			snprintf(file, sizeof(file), "%s", value);
			have_file = *value != '\0';
		} else if (!strcmp(item, "format")) {
			if (strcmp(value, "raw")) {
				snprintf(err, errlen, "-drive format=%s: vmm reads raw images only (format=raw)", value);
				return -1;
			}
		} else if (!strcmp(item, "if")) {
			if (strcmp(value, "ide")) {
				snprintf(err, errlen, "-drive if=%s: vmm's one disk is the IDE master (if=ide)", value);
				return -1;
			}
		} else if (!strcmp(item, "index") || !strcmp(item, "bus") || !strcmp(item, "unit")) {
			if (strcmp(value, "0")) {
				snprintf(err, errlen, "-drive %s=%s: vmm's one disk is the IDE master (%s=0)", item, value, item);
				return -1;
			}
		} else if (!strcmp(item, "media")) {
			if (strcmp(value, "disk")) {
				snprintf(err, errlen, "-drive media=%s: vmm's one disk is a hard disk (media=disk)", value);
				return -1;
			}
		} else if (!strcmp(item, "readonly")) {
			if (parse_on_off(value, &out->read_only) < 0) {
				snprintf(err, errlen, "-drive readonly=%s: give on or off", value);
				return -1;
			}
		} else {
			snprintf(err, errlen, "-drive %s=: not supported by vmm (it takes file=, format=raw, "
				 "if=ide, index=0, media=disk, readonly=on|off)", item);
			return -1;
		}
	}
	if (!have_file) {
		snprintf(err, errlen, "-drive '%s': no file=FILE", spec);
		return -1;
	}
	out->file = file;
	return 0;
}
