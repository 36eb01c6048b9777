import { render } from 'preact';

function App() {
  return <main>Telusur</main>;
}

const root = document.getElementById('app');
if (root) render(<App />, root);
