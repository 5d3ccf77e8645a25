/* usdt.c - USDT probes of an ELF file: .note.stapsdt notes and x86-64 argument specs (L1 format, pure) */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "usdt.h"

#define NT_STAPSDT 3

_Static_assert(sizeof(struct em_usdt_arg) == 16, "usdt.bpf.h: struct __bpf_usdt_arg_spec");
_Static_assert(sizeof(struct em_usdt_spec) == 208, "usdt.bpf.h: struct __bpf_usdt_spec");

/* ---- notes ---------------------------------------------------------------------- */

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint64_t get64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* The NUL-terminated string at *at of desc[0, end); *at moves past it. */
static const char *take_str(const uint8_t *desc, size_t end, size_t *at)
{
	const char *s = (const char *)desc + *at;
	const uint8_t *nul;

	if (*at >= end)
		return NULL;
	nul = memchr(desc + *at, '\0', end - *at);
	if (!nul)
		return NULL;
	*at = (size_t)(nul - desc) + 1;
	return s;
}

int em_usdt_note_next(const uint8_t *data, size_t size, size_t *pos, struct em_usdt_note *out)
{
	size_t at = *pos;

	while (*pos < size) {
		size_t name_len, desc_len, desc_at, s;
		const uint8_t *desc;

		at = *pos;
		if (size - at < 12)
			goto bad;
		name_len = get32(data + at);
		desc_len = get32(data + at + 4);
		/* name and descriptor, each padded to 4 bytes */
		desc_at = at + 12 + ((name_len + 3) & ~(size_t)3);
		if (name_len > size || desc_len > size || desc_at > size ||
		    ((desc_len + 3) & ~(size_t)3) > size - desc_at)
			goto bad;
		*pos = desc_at + ((desc_len + 3) & ~(size_t)3);
		if (get32(data + at + 8) != NT_STAPSDT || name_len != 8 ||
		    memcmp(data + at + 12, "stapsdt", 8) != 0)
			continue;
		desc = data + desc_at;
		if (desc_len < 24)
			goto bad;
		out->loc = get64(desc);
		out->base = get64(desc + 8);
		out->sema = get64(desc + 16);
		s = 24;
		out->provider = take_str(desc, desc_len, &s);
		out->name = take_str(desc, desc_len, &s);
		out->args = take_str(desc, desc_len, &s);
		if (!out->provider || !out->name)
			goto bad;
		if (!out->args)
			out->args = "";
		return 1;
	}
	return 0;
bad:
	em_err("elf: .note.stapsdt: the note at offset %zu runs past the section or lacks its "
	       "NUL-terminated provider and name",
	       at);
	return -EBADMSG;
}

/* ---- x86-64 arguments ------------------------------------------------------------- */

/* The registers by name (64, 32, 16, 8 bits) and their offsets in x86-64 struct pt_regs. */
static const struct {
	const char *names[4];
	int16_t off;
} regs[] = {
	{ { "rax", "eax", "ax", "al" }, 80 },     { { "rbx", "ebx", "bx", "bl" }, 40 },
	{ { "rcx", "ecx", "cx", "cl" }, 88 },     { { "rdx", "edx", "dx", "dl" }, 96 },
	{ { "rsi", "esi", "si", "sil" }, 104 },   { { "rdi", "edi", "di", "dil" }, 112 },
	{ { "rbp", "ebp", "bp", "bpl" }, 32 },    { { "rsp", "esp", "sp", "spl" }, 152 },
	{ { "r8", "r8d", "r8w", "r8b" }, 72 },    { { "r9", "r9d", "r9w", "r9b" }, 64 },
	{ { "r10", "r10d", "r10w", "r10b" }, 56 }, { { "r11", "r11d", "r11w", "r11b" }, 48 },
	{ { "r12", "r12d", "r12w", "r12b" }, 24 }, { { "r13", "r13d", "r13w", "r13b" }, 16 },
	{ { "r14", "r14d", "r14w", "r14b" }, 8 },  { { "r15", "r15d", "r15w", "r15b" }, 0 },
};

/* "%name" at s (len bytes) to its pt_regs offset; -1 when unknown. */
static int reg_off(const char *s, size_t len)
{
	if (len < 2 || s[0] != '%')
		return -1;
	for (size_t i = 0; i < EM_ARRAY_SIZE(regs); i++)
		for (size_t j = 0; j < 4; j++)
			if (strlen(regs[i].names[j]) == len - 1 &&
			    memcmp(regs[i].names[j], s + 1, len - 1) == 0)
				return regs[i].off;
	return -1;
}

/* A signed decimal or 0x number filling s[0, len) exactly. */
static int number(const char *s, size_t len, int64_t *v)
{
	char buf[32], *end;

	if (!len || len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, len);
	buf[len] = '\0';
	errno = 0;
	*v = strtoll(buf, &end, 0);
	if (errno == ERANGE) { /* 0xffff... constants: take them as unsigned */
		errno = 0;
		*v = (int64_t)strtoull(buf, &end, 0);
	}
	return errno || *end || end == buf ? -EINVAL : 0;
}

/* One "[-]SIZE@OPERAND" of len bytes at s. */
static int parse_arg(const char *s, size_t len, struct em_usdt_arg *arg, const char **why)
{
	const char *at = memchr(s, '@', len), *op, *paren;
	size_t oplen;
	int64_t size, v;
	int off;

	*why = "not SIZE@OPERAND";
	if (!at || number(s, (size_t)(at - s), &size))
		return -EINVAL;
	*why = "the size is not 1, 2, 4 or 8 (negative: signed)";
	if (size < 0)
		arg->is_signed = 1, size = -size;
	if (size != 1 && size != 2 && size != 4 && size != 8)
		return -EINVAL;
	arg->bitshift = (int8_t)(64 - 8 * size);
	op = at + 1;
	oplen = len - (size_t)(op - s);
	*why = "an unknown operand";
	if (oplen && op[0] == '$') { /* $imm */
		arg->kind = EM_USDT_ARG_CONST;
		if (number(op + 1, oplen - 1, &v))
			return -EINVAL;
		arg->val_off = (uint64_t)v;
		return 0;
	}
	if (oplen && op[0] == '%') { /* %reg */
		arg->kind = EM_USDT_ARG_REG;
		off = reg_off(op, oplen);
		*why = "an unknown register";
		if (off < 0)
			return -EINVAL;
		arg->reg_off = (int16_t)off;
		return 0;
	}
	/* [disp](%reg) */
	paren = memchr(op, '(', oplen);
	if (!paren || op[oplen - 1] != ')')
		return -EINVAL;
	*why = "index registers and symbols are not supported (only DISP(%REG))";
	if (memchr(paren, ',', (size_t)(op + oplen - paren)))
		return -EINVAL;
	v = 0;
	if (paren > op && number(op, (size_t)(paren - op), &v))
		return -EINVAL;
	*why = "an unknown base register (%rip-relative operands are not supported)";
	off = reg_off(paren + 1, (size_t)(op + oplen - 1 - (paren + 1)));
	if (off < 0)
		return -EINVAL;
	arg->kind = EM_USDT_ARG_REG_DEREF;
	arg->reg_off = (int16_t)off;
	arg->val_off = (uint64_t)v;
	return 0;
}

int em_usdt_parse_args(const char *args, struct em_usdt_spec *spec, const char *subject)
{
	const char *s = args, *why;

	memset(spec->args, 0, sizeof(spec->args));
	spec->arg_cnt = 0;
	for (;;) {
		size_t len;

		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			return 0;
		len = strcspn(s, " \t");
		if (spec->arg_cnt == EM_USDT_MAX_ARGS) {
			em_err("%s: arguments '%s': more than %d", subject, args, EM_USDT_MAX_ARGS);
			return -EINVAL;
		}
		if (parse_arg(s, len, &spec->args[spec->arg_cnt], &why)) {
			em_err("%s: argument %d '%.*s' of '%s': %s", subject, spec->arg_cnt,
			       (int)len, s, args, why);
			return -EINVAL;
		}
		spec->arg_cnt++;
		s += len;
	}
}

/* ---- probes of a file ------------------------------------------------------------- */

int em_usdt_find(const struct em_elf *elf, const char *provider, const char *name,
		 struct em_usdt_loc **locs, size_t *n, const char *subject)
{
	const struct em_elf_section *notes = em_elf_section_by_name(elf, ".note.stapsdt");
	const struct em_elf_section *base = em_elf_section_by_name(elf, ".stapsdt.base");
	struct em_usdt_loc *out = NULL, *grown;
	struct em_usdt_note note;
	size_t pos = 0, count = 0;
	int err;

	*locs = NULL;
	*n = 0;
	if (elf->machine != EM_X86_64) {
		em_err("%s: USDT arguments of ELF machine %u are not decoded (x86-64 only)",
		       subject, elf->machine);
		return -ENOEXEC;
	}
	if (!notes || notes->type != SHT_NOTE || !notes->data) {
		em_err("%s: the file has no USDT probes (no .note.stapsdt section)", subject);
		return -ENOENT;
	}
	while ((err = em_usdt_note_next(notes->data, notes->size, &pos, &note)) == 1) {
		uint64_t adj = 0;

		if (strcmp(note.provider, provider) != 0 || strcmp(note.name, name) != 0)
			continue;
		/* a prelinked file moved its code: by how much .stapsdt.base moved */
		if (base && note.base)
			adj = base->addr - note.base;
		grown = em_reallocarray(out, count + 1, sizeof(*out));
		if (!grown) {
			free(out);
			return -ENOMEM;
		}
		out = grown;
		out[count].args = note.args;
		out[count].sema_offset = 0;
		if (em_elf_vaddr_to_offset(elf, note.loc + adj, &out[count].offset) ||
		    (note.sema &&
		     em_elf_vaddr_to_offset(elf, note.sema + adj, &out[count].sema_offset))) {
			em_err("%s: probe address 0x%llx or semaphore 0x%llx is outside the file's "
			       "loaded segments",
			       subject, (unsigned long long)(note.loc + adj),
			       (unsigned long long)note.sema);
			free(out);
			return -EBADMSG;
		}
		count++;
	}
	if (err < 0) {
		free(out);
		return err;
	}
	if (!count) {
		em_err("%s: no USDT probe %s:%s in the file's .note.stapsdt", subject, provider,
		       name);
		return -ENOENT;
	}
	*locs = out;
	*n = count;
	return 0;
}
