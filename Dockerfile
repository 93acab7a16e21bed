# imgmake in a container: `docker build -t imgmake .`, then `docker run --rm -v "$PWD:/work" imgmake -j4`.
# Two stages: a Swift toolchain builds the release tarball with scripts/release.sh --package (the same
# artefact the tests install), and debian:bookworm-slim gets it installed with its install.sh, next to the run-time
# libraries only (libvips, readline, libcurl for --remote-cache). No toolchain in the image.

FROM swift:6.0-bookworm AS build
WORKDIR /src
COPY . .
# scripts/release.sh installs the build's Debian packages itself (scripts/deps.sh).
RUN scripts/release.sh --package --no-check > /tmp/tarball && cp "$(tail -n 1 /tmp/tarball)" /imgmake.tar.gz

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends libvips42 libreadline8 libcurl4 ca-certificates \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /imgmake.tar.gz /tmp/imgmake.tar.gz
RUN mkdir /tmp/imgmake \
    && tar -xzf /tmp/imgmake.tar.gz -C /tmp/imgmake --strip-components=1 \
    && /tmp/imgmake/install.sh --prefix /usr/local \
    && rm -rf /tmp/imgmake /tmp/imgmake.tar.gz
WORKDIR /work
ENTRYPOINT ["imgmake"]
