/* ebpfmini/ebpfmini.h - the whole public API of libebpfmini */
#ifndef EBPFMINI_EBPFMINI_H
#define EBPFMINI_EBPFMINI_H

#define EBPFMINI_VERSION_MAJOR 0
#define EBPFMINI_VERSION_MINOR 1
#define EBPFMINI_VERSION_PATCH 0

#include "ebpfmini/log.h"
#include "ebpfmini/sys.h"
#include "ebpfmini/btf.h"
#include "ebpfmini/object.h"
#include "ebpfmini/program.h"
#include "ebpfmini/map.h"
#include "ebpfmini/var.h"
#include "ebpfmini/link.h"
#include "ebpfmini/ringbuf.h"
#include "ebpfmini/perfbuf.h"
#include "ebpfmini/insn.h"

#endif /* EBPFMINI_EBPFMINI_H */
