# kdiag-controller image: built on Debian with the same packages as development, run from a
# slim Debian with only the runtime libraries, as a non-root user with nothing writable.
#   docker build -t ghcr.io/kdiag/kdiag-controller:0.1.0 .
FROM debian:bookworm AS build
WORKDIR /src
COPY hack/deps.sh hack/deps.sh
RUN hack/deps.sh
COPY . .
RUN cmake --preset default -DKDIAG_WERROR=ON \
    && cmake --build --preset default --target kdiag-controller kdiag-jq-worker \
    && strip -o /kdiag-controller build/default/daemon/kdiag-controller \
    && strip -o /kdiag-jq-worker build/default/daemon/kdiag-jq-worker

FROM debian:bookworm-slim
RUN apt-get update -qq \
    && apt-get install -y -qq --no-install-recommends ca-certificates libcurl4 libssl3 \
       libyaml-cpp0.7 libspdlog1.10 libfmt9 libprometheus-cpp-core1.0 libcpp-httplib0.11 \
       libwebsockets17 libsimdjson14 libsqlite3-0 libjq1 libbrotli1 zlib1g >/dev/null \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /kdiag-controller /usr/local/bin/kdiag-controller
# Custom checks' expressions run in it; the controller starts it from its own directory.
COPY --from=build /kdiag-jq-worker /usr/local/bin/kdiag-jq-worker
USER 65532:65532
EXPOSE 8080 9443
ENTRYPOINT ["/usr/local/bin/kdiag-controller"]
