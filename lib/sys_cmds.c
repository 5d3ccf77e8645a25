/* sys_cmds.c - placeholder until its owner lands it */
#include "internal.h"
