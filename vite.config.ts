// Vite: builds the Svelte client from client/ into dist/client; in dev, proxies the API and
// Socket.IO to the server on :3000. Everything is bundled: nothing is fetched from elsewhere.
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

const server = process.env.VERKSTAD_SERVER ?? 'http://localhost:3000';

export default defineConfig({
  root: 'client',
  plugins: [svelte()],
  build: {
    outDir: '../dist/client',
    emptyOutDir: true,
    target: 'es2022',
  },
  server: {
    proxy: {
      '/api': { target: server, changeOrigin: false },
      '/socket.io': { target: server, ws: true, changeOrigin: false },
    },
  },
});
