import { render } from 'preact';
import { App } from './app.js';
import { guardKiosk } from './kiosk-guard.js';
import './styles.css';

guardKiosk();
render(<App />, document.getElementById('app')!);
