# logmill: build the host and the bundled plugins, then ship them on a slim
# glibc image (Go shared libraries cannot be dlopen'ed on musl/Alpine).
#   docker build -t logmill .
#   docker run --rm -v "$PWD/logs:/logs:ro" logmill             # analyze /logs
#   docker run --rm -v "$PWD/logs:/logs:ro" -v "$PWD/extra:/plugins:ro" logmill plugins

FROM node:20-bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends golang-go gcc libc6-dev make \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY contract contract
COPY app app
COPY plugins plugins
# tsc does not make the CLI executable; the logmill symlink (the entrypoint) needs it.
RUN npm run build \
 && chmod 0755 dist/app/cli.js \
 && make -C plugins \
 && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /opt/logmill
COPY --from=build /src/package.json ./
COPY --from=build /src/node_modules node_modules
COPY --from=build /src/dist dist
COPY --from=build /src/plugins/*.so plugins/
# Shipped format files (data, read from plugins/formats/ beside the installation).
COPY --from=build /src/plugins/formats/ plugins/formats/
# Bundled plugins, plus any mounted at /plugins.
ENV LOGMILL_PLUGINS=/opt/logmill/plugins:/plugins
RUN mkdir -p /logs /plugins && ln -s /opt/logmill/dist/app/cli.js /usr/local/bin/logmill
WORKDIR /logs
VOLUME ["/logs"]
ENTRYPOINT ["logmill"]
CMD ["analyze", "/logs"]
