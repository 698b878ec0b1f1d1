// The page's entry. A page `imagewatch serve` sent already drawn (shared/served-window.ts) is
// painted first; the window's script (React and the components, most of the page's weight)
// loads and runs after that paint, then takes the drawing over. Anywhere else it runs at once.
import { SERVED_STATE_ID } from '../../shared/served-window.js';
import './styles.css';

const start = (): void => void import('./main.js');
if (document.getElementById(SERVED_STATE_ID)) requestAnimationFrame(() => setTimeout(start, 0));
else start();
