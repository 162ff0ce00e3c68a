// Floor for blinded images: express.static serving a directory of image files, nothing else.
// Written for the bench alone; imports nothing from src/.
//   IMAGE_DIR=… PORT=… node bench/floors/static-images.cjs
const express = require('express');

const app = express();
app.use(express.static(process.env.IMAGE_DIR));
app.listen(Number(process.env.PORT), () => console.log('ready'));
