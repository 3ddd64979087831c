// cpu_relax(): the body of a spin-wait loop. Tells the CPU this is a spin (saves power, yields the
// pipeline to a hyper-thread sibling).
#pragma once

namespace ringmq {

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

}  // namespace ringmq
