# syntax=docker/dockerfile:1
# GPU worker: the GPU build of JengaFleet.Worker (-p:JengaGpu=true, no libtorch bundled) on the official
# PyTorch CUDA runtime image, whose torch/lib provides libtorch (2.10.x matches TorchSharp 0.107) and whose
# nvidia wheel folders provide NVRTC for the CUDA attention kernel.
# Build from the repository root:
#   docker build -f deploy/docker/worker-gpu.Dockerfile -t jenga-fleet/worker:gpu .
ARG DOTNET_SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0.100-noble
ARG PYTORCH_IMAGE=pytorch/pytorch:2.10.0-cuda13.0-cudnn9-runtime

FROM ${DOTNET_SDK_IMAGE} AS build
WORKDIR /src
ENV DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
COPY . .
# Self-contained: the runtime image has no .NET; only its native dependencies (installed below).
RUN --mount=type=cache,target=/root/.nuget/packages \
    dotnet publish src/JengaFleet.Worker/JengaFleet.Worker.csproj -c Release -r linux-x64 --self-contained true \
      -p:JengaGpu=true -o /app -nologo \
 && test ! -e /app/libtorch.so

FROM ${PYTORCH_IMAGE} AS runtime
# The libtorch that TorchSharp 0.107 was built against; the build fails on any other torch.
ARG TORCH_VERSION_PREFIX=2.10.
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
# .NET runtime dependencies (ca-certificates brings OpenSSL; InvariantGlobalization needs no ICU),
# ffmpeg for the mp4 encoder, curl for the health check.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ca-certificates ffmpeg curl libstdc++6 zlib1g \
 && rm -rf /var/lib/apt/lists/*
# A fixed path to the Python site-packages folder: torch/lib for LD_LIBRARY_PATH, and beside it
# nvidia/*/lib where the worker looks for NVRTC (libnvrtc.so.13 / .12).
RUN site="$(python -c 'import os, torch; print(os.path.dirname(os.path.dirname(torch.__file__)))')" \
 && version="$(python -c 'import torch; print(torch.__version__)')" \
 && case "$version" in "${TORCH_VERSION_PREFIX}"*) ;; *) echo "torch $version is not ${TORCH_VERSION_PREFIX}x" >&2; exit 1 ;; esac \
 && ln -s "$site" /opt/torch-site \
 && test -e /opt/torch-site/torch/lib/libtorch_cuda.so \
 && ls /opt/torch-site/nvidia/*/lib/libnvrtc.so.1* >/dev/null

RUN useradd --uid 10001 --user-group --create-home --home-dir /home/jenga --shell /usr/sbin/nologin jenga \
 && mkdir -p /models /var/cache/jenga /var/lib/jenga/work \
 && chown -R jenga:jenga /models /var/cache/jenga /var/lib/jenga

COPY --from=build /app /app

# expandable_segments: libtorch's allocator grows segments instead of caching fixed blocks; at 720p the
# transformer's peak reserved memory drops from 58.7 to 41.9 GiB on an H100 at the same speed (docs/gpu-kernel.md).
ENV LD_LIBRARY_PATH=/opt/torch-site/torch/lib \
    PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True \
    JENGA_CACHE_DIR=/var/cache/jenga \
    JENGA_KERNEL_CACHE=/var/cache/jenga/kernels \
    DOTNET_CLI_TELEMETRY_OPTOUT=1 \
    Model__Name=hunyuan-video \
    Model__WeightsPath=/models/hunyuan-video \
    Worker__Device=cuda \
    Worker__WorkDirectory=/var/lib/jenga/work

USER 10001:10001
WORKDIR /app
EXPOSE 8080
# /healthz answers while the model loads (minutes for hunyuan-video); readiness is /readyz.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD curl -fsS http://127.0.0.1:8080/healthz || exit 1
ENTRYPOINT ["/app/JengaFleet.Worker"]
