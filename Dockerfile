# Interlend: API + portal + harvester in one image. Meilisearch and PostgreSQL run as their own
# services (see docker-compose.yml).
FROM node:20-bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends yaz python3 make g++ \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
COPY core/package.json core/
COPY db/package.json db/
COPY harvester/package.json harvester/
COPY search-api/package.json search-api/
COPY portal/package.json portal/
COPY test/package.json test/
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build -w portal
ENV HOST=0.0.0.0 API_PORT=3001 PORTAL_PORT=3000 INTERLEND_DATA=/data
EXPOSE 3000 3001
VOLUME /data
CMD ["npx", "tsx", "scripts/start.ts", "--no-demo"]
