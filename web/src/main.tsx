import '@xterm/xterm/css/xterm.css';
import './styles.css';
import { render } from 'preact';
import { App } from './app';
import { ContainersStore } from './state/containers-store';
import { Notices } from './state/notices';

const containers = new ContainersStore();
containers.start();
render(<App services={{ containers, notices: new Notices() }} />, document.getElementById('app')!);
