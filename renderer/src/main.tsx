import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import { connect } from './transport/index.js';
import './styles.css';

const initialRuntime = new URLSearchParams(window.location.search).get('runtime');
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App api={connect()} initialRuntime={initialRuntime} />
  </StrictMode>,
);
