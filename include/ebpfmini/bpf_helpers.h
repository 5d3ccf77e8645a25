/* ebpfmini/bpf_helpers.h - placeholder until the BPF-side headers land */
