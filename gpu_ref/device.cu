// SPDX-License-Identifier: Apache-2.0
// Which CUDA device, if any, the golden kernels can use.
#include <cuda_runtime.h>

#include "gpu_ref/gpu_ref.h"

namespace tpesim::gpu_ref {

DeviceStatus probe_device() {
  DeviceStatus s;
  int count = 0;
  const cudaError_t err = cudaGetDeviceCount(&count);
  if (err != cudaSuccess || count == 0) {
    s.name = err != cudaSuccess ? cudaGetErrorString(err) : "no CUDA device visible";
    return s;
  }
  cudaDeviceProp prop{};
  if (cudaGetDeviceProperties(&prop, 0) != cudaSuccess) {
    s.name = "cudaGetDeviceProperties failed";
    return s;
  }
  s.available = true;
  s.name = prop.name;
  s.sm_major = prop.major;
  s.sm_minor = prop.minor;
  return s;
}

}  // namespace tpesim::gpu_ref
