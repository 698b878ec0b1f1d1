import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import { connect } from './transport/index.js';
import './styles.css';

const initialRuntime = new URLSearchParams(window.location.search).get('runtime');
const api = connect();
// Asked now, while React starts: the first full table no longer waits for the first render.
const firstState = api.getState();
firstState.catch(() => undefined); // reported by App when it reads it
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App api={api} initialRuntime={initialRuntime} firstState={firstState} />
  </StrictMode>,
);
