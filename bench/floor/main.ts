// Entry of the floor page (see App.svelte); built by bench/jsFloor.ts, never served.
import { mount } from 'svelte';
import App from './App.svelte';

mount(App, { target: document.body });
