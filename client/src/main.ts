// Entry point: global styles and the one App component.
import { mount } from 'svelte';
import App from './App.svelte';
import { sweepBoards } from './lib/boardCache.ts';
import './app.css';

// Boards kept on this phone that can no longer be shown go, whichever page opens.
sweepBoards();

mount(App, { target: document.getElementById('app')! });
