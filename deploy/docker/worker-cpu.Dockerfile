# syntax=docker/dockerfile:1
# CPU worker: the CPU build of JengaFleet.Worker (libtorch-cpu bundled) serving the built-in tiny model
# hunyuan-tiny, written to Model__WeightsPath on first start. For the compose "cpu" profile, CI-like
# end-to-end runs and laptops; its videos are noise (random weights).
# Build from the repository root:
#   docker build -f deploy/docker/worker-cpu.Dockerfile -t jenga-fleet/worker:cpu .
ARG DOTNET_SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0.100-noble
ARG RUNTIME_IMAGE=mcr.microsoft.com/dotnet/runtime-deps:10.0.0-noble

FROM ${DOTNET_SDK_IMAGE} AS build
WORKDIR /src
ENV DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
COPY . .
RUN --mount=type=cache,target=/root/.nuget/packages \
    dotnet publish src/JengaFleet.Worker/JengaFleet.Worker.csproj -c Release -r linux-x64 --self-contained true \
      -o /app -nologo

# runtime-deps: the native libraries a self-contained .NET app needs, nothing else.
FROM ${RUNTIME_IMAGE} AS runtime
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ffmpeg curl libgomp1 \
 && rm -rf /var/lib/apt/lists/*
RUN useradd --uid 10001 --user-group --create-home --home-dir /home/jenga --shell /usr/sbin/nologin jenga \
 && mkdir -p /var/cache/jenga /var/lib/jenga/work \
 && chown -R jenga:jenga /var/cache/jenga /var/lib/jenga

COPY --from=build /app /app

ENV JENGA_CACHE_DIR=/var/cache/jenga \
    DOTNET_CLI_TELEMETRY_OPTOUT=1 \
    Model__Name=hunyuan-tiny \
    Model__WeightsPath=/var/cache/jenga/hunyuan-tiny \
    Worker__Device=cpu \
    Worker__WorkDirectory=/var/lib/jenga/work

USER 10001:10001
WORKDIR /app
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
  CMD curl -fsS http://127.0.0.1:8080/healthz || exit 1
ENTRYPOINT ["/app/JengaFleet.Worker"]
