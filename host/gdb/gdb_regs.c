/*
 * gdb's x86 register layouts (gdb_regs.h): a table per layout saying where
 * each register lives in KVM's kvm_regs / kvm_sregs / kvm_fpu, and the
 * target description XML generated from the same table, so the two cannot
 * disagree.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "gdb_regs.h"
#include "vm.h"

enum reg_kind { R_GPR, R_SEG, R_ST, R_FPU_CTL, R_XMM, R_MXCSR, R_BASE };

struct reg_desc {
	const char *name;
	unsigned size;       /* bytes in the packet */
	enum reg_kind kind;
	size_t where;        /* R_GPR: offsetof in kvm_regs; R_SEG/R_BASE: segment
			      * index (cs ss ds es fs gs); R_ST/R_XMM: index;
			      * R_FPU_CTL: which control register */
	const char *type;    /* the XML type */
	const char *group;   /* the XML group, or NULL */
	const char *feature; /* starts a new <feature> at this register */
};

#define GPR(n, size, field, type) { n, size, R_GPR, offsetof(struct kvm_regs, field), type, NULL, NULL }
#define FEATURE_CORE "org.gnu.gdb.i386.core"
#define FEATURE_SSE "org.gnu.gdb.i386.sse"
#define FEATURE_SEGMENTS "org.gnu.gdb.i386.segments"

/* The segment registers and the x87 part, the same in both layouts. */
#define SEGS_AND_X87                                                                     \
	{ "cs", 4, R_SEG, 0, "int32", NULL, NULL }, { "ss", 4, R_SEG, 1, "int32", NULL, NULL }, \
	{ "ds", 4, R_SEG, 2, "int32", NULL, NULL }, { "es", 4, R_SEG, 3, "int32", NULL, NULL }, \
	{ "fs", 4, R_SEG, 4, "int32", NULL, NULL }, { "gs", 4, R_SEG, 5, "int32", NULL, NULL }, \
	{ "st0", 10, R_ST, 0, "i387_ext", NULL, NULL }, { "st1", 10, R_ST, 1, "i387_ext", NULL, NULL }, \
	{ "st2", 10, R_ST, 2, "i387_ext", NULL, NULL }, { "st3", 10, R_ST, 3, "i387_ext", NULL, NULL }, \
	{ "st4", 10, R_ST, 4, "i387_ext", NULL, NULL }, { "st5", 10, R_ST, 5, "i387_ext", NULL, NULL }, \
	{ "st6", 10, R_ST, 6, "i387_ext", NULL, NULL }, { "st7", 10, R_ST, 7, "i387_ext", NULL, NULL }, \
	{ "fctrl", 4, R_FPU_CTL, 0, "int", "float", NULL }, { "fstat", 4, R_FPU_CTL, 1, "int", "float", NULL }, \
	{ "ftag", 4, R_FPU_CTL, 2, "int", "float", NULL }, { "fiseg", 4, R_FPU_CTL, 3, "int", "float", NULL }, \
	{ "fioff", 4, R_FPU_CTL, 4, "int", "float", NULL }, { "foseg", 4, R_FPU_CTL, 5, "int", "float", NULL }, \
	{ "fooff", 4, R_FPU_CTL, 6, "int", "float", NULL }, { "fop", 4, R_FPU_CTL, 7, "int", "float", NULL }

#define XMM(i) { "xmm" #i, 16, R_XMM, i, "vec128", NULL, NULL }

static const struct reg_desc regs_i386[] = {
	{ "eax", 4, R_GPR, offsetof(struct kvm_regs, rax), "int32", NULL, FEATURE_CORE },
	GPR("ecx", 4, rcx, "int32"), GPR("edx", 4, rdx, "int32"), GPR("ebx", 4, rbx, "int32"),
	GPR("esp", 4, rsp, "data_ptr"), GPR("ebp", 4, rbp, "data_ptr"), GPR("esi", 4, rsi, "int32"),
	GPR("edi", 4, rdi, "int32"), GPR("eip", 4, rip, "code_ptr"), GPR("eflags", 4, rflags, "i386_eflags"),
	SEGS_AND_X87,
	{ "xmm0", 16, R_XMM, 0, "vec128", NULL, FEATURE_SSE },
	XMM(1), XMM(2), XMM(3), XMM(4), XMM(5), XMM(6), XMM(7),
	{ "mxcsr", 4, R_MXCSR, 0, "i386_mxcsr", "vector", NULL },
};

static const struct reg_desc regs_x86_64[] = {
	{ "rax", 8, R_GPR, offsetof(struct kvm_regs, rax), "int64", NULL, FEATURE_CORE },
	GPR("rbx", 8, rbx, "int64"), GPR("rcx", 8, rcx, "int64"), GPR("rdx", 8, rdx, "int64"),
	GPR("rsi", 8, rsi, "int64"), GPR("rdi", 8, rdi, "int64"), GPR("rbp", 8, rbp, "data_ptr"),
	GPR("rsp", 8, rsp, "data_ptr"), GPR("r8", 8, r8, "int64"), GPR("r9", 8, r9, "int64"),
	GPR("r10", 8, r10, "int64"), GPR("r11", 8, r11, "int64"), GPR("r12", 8, r12, "int64"),
	GPR("r13", 8, r13, "int64"), GPR("r14", 8, r14, "int64"), GPR("r15", 8, r15, "int64"),
	GPR("rip", 8, rip, "code_ptr"), GPR("eflags", 4, rflags, "i386_eflags"),
	SEGS_AND_X87,
	{ "xmm0", 16, R_XMM, 0, "vec128", NULL, FEATURE_SSE },
	XMM(1), XMM(2), XMM(3), XMM(4), XMM(5), XMM(6), XMM(7), XMM(8), XMM(9), XMM(10),
	XMM(11), XMM(12), XMM(13), XMM(14), XMM(15),
	{ "mxcsr", 4, R_MXCSR, 0, "i386_mxcsr", "vector", NULL },
	{ "fs_base", 8, R_BASE, 4, "int", NULL, FEATURE_SEGMENTS },
	{ "gs_base", 8, R_BASE, 5, "int", NULL, NULL },
};

#define COUNT(a) (int)(sizeof(a) / sizeof((a)[0]))

static const struct reg_desc *layout(enum gdb_arch arch, int *n)
{
	if (arch == GDB_ARCH_X86_64) {
		*n = COUNT(regs_x86_64);
		return regs_x86_64;
	}
	*n = COUNT(regs_i386);
	return regs_i386;
}

int gdb_reg_count(enum gdb_arch arch)
{
	int n;
	layout(arch, &n);
	return n;
}

size_t gdb_regs_size(enum gdb_arch arch)
{
	int n;
	const struct reg_desc *regs = layout(arch, &n);
	size_t size = 0;
	for (int i = 0; i < n; i++)
		size += regs[i].size;
	return size;
}

const char *gdb_arch_name(enum gdb_arch arch)
{
	return arch == GDB_ARCH_X86_64 ? "x86-64" : "i386";
}

int gdb_arch_parse(const char *s, enum gdb_arch *arch)
{
	if (!strcmp(s, "i386"))
		*arch = GDB_ARCH_I386;
	else if (!strcmp(s, "x86-64") || !strcmp(s, "x86_64"))
		*arch = GDB_ARCH_X86_64;
	else
		return -1;
	return 0;
}

enum gdb_arch gdb_arch_of_vcpu(struct vm *vm)
{
	struct kvm_sregs s;
	if (vm_get_sregs(vm, &s) == 0 && (s.efer & (1u << 10))) /* EFER.LMA */
		return GDB_ARCH_X86_64;
	return GDB_ARCH_I386;
}

/* --- the target description ---------------------------------------------- */

/* The types gdb's own i386 features define (32bit-core.xml, 32bit-sse.xml);
 * a type is visible only in the feature that defines it. */
static const char xml_types_core[] =
	"<flags id=\"i386_eflags\" size=\"4\">"
	"<field name=\"CF\" start=\"0\" end=\"0\"/><field name=\"\" start=\"1\" end=\"1\"/>"
	"<field name=\"PF\" start=\"2\" end=\"2\"/><field name=\"AF\" start=\"4\" end=\"4\"/>"
	"<field name=\"ZF\" start=\"6\" end=\"6\"/><field name=\"SF\" start=\"7\" end=\"7\"/>"
	"<field name=\"TF\" start=\"8\" end=\"8\"/><field name=\"IF\" start=\"9\" end=\"9\"/>"
	"<field name=\"DF\" start=\"10\" end=\"10\"/><field name=\"OF\" start=\"11\" end=\"11\"/>"
	"<field name=\"NT\" start=\"14\" end=\"14\"/><field name=\"RF\" start=\"16\" end=\"16\"/>"
	"<field name=\"VM\" start=\"17\" end=\"17\"/><field name=\"AC\" start=\"18\" end=\"18\"/>"
	"<field name=\"VIF\" start=\"19\" end=\"19\"/><field name=\"VIP\" start=\"20\" end=\"20\"/>"
	"<field name=\"ID\" start=\"21\" end=\"21\"/></flags>";
static const char xml_types_sse[] =
	"<vector id=\"v4f\" type=\"ieee_single\" count=\"4\"/>"
	"<vector id=\"v2d\" type=\"ieee_double\" count=\"2\"/>"
	"<vector id=\"v16i8\" type=\"int8\" count=\"16\"/>"
	"<vector id=\"v8i16\" type=\"int16\" count=\"8\"/>"
	"<vector id=\"v4i32\" type=\"int32\" count=\"4\"/>"
	"<vector id=\"v2i64\" type=\"int64\" count=\"2\"/>"
	"<union id=\"vec128\"><field name=\"v4_float\" type=\"v4f\"/>"
	"<field name=\"v2_double\" type=\"v2d\"/><field name=\"v16_int8\" type=\"v16i8\"/>"
	"<field name=\"v8_int16\" type=\"v8i16\"/><field name=\"v4_int32\" type=\"v4i32\"/>"
	"<field name=\"v2_int64\" type=\"v2i64\"/><field name=\"uint128\" type=\"uint128\"/></union>"
	"<flags id=\"i386_mxcsr\" size=\"4\">"
	"<field name=\"IE\" start=\"0\" end=\"0\"/><field name=\"DE\" start=\"1\" end=\"1\"/>"
	"<field name=\"ZE\" start=\"2\" end=\"2\"/><field name=\"OE\" start=\"3\" end=\"3\"/>"
	"<field name=\"UE\" start=\"4\" end=\"4\"/><field name=\"PE\" start=\"5\" end=\"5\"/>"
	"<field name=\"DAZ\" start=\"6\" end=\"6\"/><field name=\"IM\" start=\"7\" end=\"7\"/>"
	"<field name=\"DM\" start=\"8\" end=\"8\"/><field name=\"ZM\" start=\"9\" end=\"9\"/>"
	"<field name=\"OM\" start=\"10\" end=\"10\"/><field name=\"UM\" start=\"11\" end=\"11\"/>"
	"<field name=\"PM\" start=\"12\" end=\"12\"/><field name=\"FZ\" start=\"15\" end=\"15\"/></flags>";

static void build_xml(enum gdb_arch arch, char *out, size_t size)
{
	int n;
	const struct reg_desc *regs = layout(arch, &n);
	size_t len = (size_t)snprintf(out, size,
		"<?xml version=\"1.0\"?><!DOCTYPE target SYSTEM \"gdb-target.dtd\">"
		"<target version=\"1.0\"><architecture>%s</architecture>",
		arch == GDB_ARCH_X86_64 ? "i386:x86-64" : "i386");
	for (int i = 0; i < n && len < size; i++) {
		if (regs[i].feature) {
			const char *types = !strcmp(regs[i].feature, FEATURE_CORE) ? xml_types_core
					    : !strcmp(regs[i].feature, FEATURE_SSE) ? xml_types_sse : "";
			len += (size_t)snprintf(out + len, size - len, "%s<feature name=\"%s\">%s",
						i ? "</feature>" : "", regs[i].feature, types);
			if (len >= size)
				break;
		}
		len += (size_t)snprintf(out + len, size - len,
					"<reg name=\"%s\" bitsize=\"%u\" type=\"%s\" regnum=\"%d\"%s%s%s/>",
					regs[i].name, regs[i].size * 8, regs[i].type, i,
					regs[i].group ? " group=\"" : "",
					regs[i].group ? regs[i].group : "", regs[i].group ? "\"" : "");
	}
	if (len < size)
		snprintf(out + len, size - len, "</feature></target>");
}

const char *gdb_target_xml(enum gdb_arch arch)
{
	/* Built once per layout (only the stub's thread asks). */
	static char xml[2][8192];
	char *buf = xml[arch == GDB_ARCH_X86_64];
	if (!buf[0])
		build_xml(arch, buf, sizeof(xml[0]));
	return buf;
}

/* --- reading and writing ------------------------------------------------- */

struct regfile {
	struct kvm_regs r;
	struct kvm_sregs s;
	struct kvm_fpu f;
	uint32_t scratch; /* x87 control registers widened to 32 bits */
};

static int regfile_load(struct vm *vm, struct regfile *rf)
{
	memset(rf, 0, sizeof(*rf));
	if (vm_get_regs(vm, &rf->r) < 0 || vm_get_sregs(vm, &rf->s) < 0)
		return -1;
	/* A host without FPU state for the vCPU still shows the rest. */
	if (ioctl(vm->vcpu_fd, KVM_GET_FPU, &rf->f) < 0)
		memset(&rf->f, 0, sizeof(rf->f));
	return 0;
}

static struct kvm_segment *segment(struct kvm_sregs *s, size_t i)
{
	struct kvm_segment *segs[] = { &s->cs, &s->ss, &s->ds, &s->es, &s->fs, &s->gs };
	return segs[i];
}

/* The abridged tag byte of FXSAVE (1 = valid) as the full x87 tag word
 * gdb shows (2 bits a register; 11 = empty, 00 = valid: close enough). */
static uint32_t full_tag_word(uint8_t ftwx)
{
	uint32_t tag = 0;
	for (int i = 0; i < 8; i++)
		if (!(ftwx & (1u << i)))
			tag |= 3u << (2 * i);
	return tag;
}

/* Where register d lives and how many bytes it has there; for the x87
 * control registers, a 32-bit copy in rf->scratch. NULL: nothing stored. */
static void *reg_storage(struct regfile *rf, const struct reg_desc *d, unsigned *native)
{
	switch (d->kind) {
	case R_GPR:
		*native = 8;
		return (uint8_t *)&rf->r + d->where;
	case R_SEG:
		*native = 2;
		return &segment(&rf->s, d->where)->selector;
	case R_BASE:
		*native = 8;
		return &segment(&rf->s, d->where)->base;
	case R_ST:
		*native = 10;
		return rf->f.fpr[d->where];
	case R_XMM:
		*native = 16;
		return rf->f.xmm[d->where];
	case R_MXCSR:
		*native = 4;
		return &rf->f.mxcsr;
	case R_FPU_CTL: {
		const struct kvm_fpu *f = &rf->f;
		uint32_t v[8] = { f->fcw, f->fsw, full_tag_word(f->ftwx), 0, (uint32_t)f->last_ip, 0,
				  (uint32_t)f->last_dp, f->last_opcode };
		rf->scratch = v[d->where];
		*native = 4;
		return &rf->scratch;
	}
	}
	return NULL;
}

/* Little-endian: the packet's bytes are the register's low bytes. */
static void get_one(struct regfile *rf, const struct reg_desc *d, uint8_t *out)
{
	unsigned native = 0;
	void *p = reg_storage(rf, d, &native);
	memset(out, 0, d->size);
	if (p)
		memcpy(out, p, native < d->size ? native : d->size);
}

/* Only the registers gdb may change: general ones, x87 data, SSE. A
 * narrower packet value (i386 layout, 64-bit guest) keeps the upper bytes. */
static bool put_one(struct regfile *rf, const struct reg_desc *d, const uint8_t *in)
{
	if (d->kind != R_GPR && d->kind != R_ST && d->kind != R_XMM && d->kind != R_MXCSR)
		return false;
	unsigned native = 0;
	void *p = reg_storage(rf, d, &native);
	memcpy(p, in, native < d->size ? native : d->size);
	return true;
}

static int regfile_store(struct vm *vm, struct regfile *rf, bool fpu)
{
	if (vm_set_regs(vm, &rf->r) < 0)
		return -1;
	return fpu ? ioctl(vm->vcpu_fd, KVM_SET_FPU, &rf->f) : 0;
}

int gdb_regs_read(struct vm *vm, enum gdb_arch arch, uint8_t *buf)
{
	struct regfile rf;
	int n;
	const struct reg_desc *regs = layout(arch, &n);
	if (regfile_load(vm, &rf) < 0)
		return -1;
	int len = 0;
	for (int i = 0; i < n; i++) {
		get_one(&rf, &regs[i], buf + len);
		len += (int)regs[i].size;
	}
	return len;
}

int gdb_regs_write(struct vm *vm, enum gdb_arch arch, const uint8_t *buf, size_t len)
{
	struct regfile rf;
	int n;
	const struct reg_desc *regs = layout(arch, &n);
	if (regfile_load(vm, &rf) < 0)
		return -1;
	size_t off = 0;
	bool fpu = false;
	for (int i = 0; i < n && off + regs[i].size <= len; i++) {
		if (put_one(&rf, &regs[i], buf + off) && regs[i].kind != R_GPR)
			fpu = true;
		off += regs[i].size;
	}
	return regfile_store(vm, &rf, fpu);
}

int gdb_reg_read(struct vm *vm, enum gdb_arch arch, int regno, uint8_t *buf)
{
	struct regfile rf;
	int n;
	const struct reg_desc *regs = layout(arch, &n);
	if (regno < 0 || regno >= n || regfile_load(vm, &rf) < 0)
		return -1;
	get_one(&rf, &regs[regno], buf);
	return (int)regs[regno].size;
}

int gdb_reg_write(struct vm *vm, enum gdb_arch arch, int regno, const uint8_t *buf, size_t len)
{
	struct regfile rf;
	int n;
	const struct reg_desc *regs = layout(arch, &n);
	if (regno < 0 || regno >= n || len != regs[regno].size || regfile_load(vm, &rf) < 0)
		return -1;
	if (!put_one(&rf, &regs[regno], buf))
		return 0; /* read-only here: accepted and ignored, as for 'G' */
	return regfile_store(vm, &rf, regs[regno].kind != R_GPR);
}
