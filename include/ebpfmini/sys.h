/* ebpfmini/sys.h - placeholder until the raw syscall layer lands */
#ifndef EBPFMINI_SYS_H
#define EBPFMINI_SYS_H
#endif
